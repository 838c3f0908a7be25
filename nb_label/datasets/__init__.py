"""Real, small, openly licensed data sets that load without a network.

- :func:`sms_spam`: 5,574 text messages labelled ham or spam (text classification).
- :func:`politeness`: 4,353 requests with five ratings each by 219 annotators (agreement).
- :func:`digits`: 1,797 handwritten 8x8 digit images (image labelling).

Licences and citations are in ``LICENSE.md`` beside this file.
"""

from nb_label.datasets._load import digits, politeness, sms_spam

__all__ = ["digits", "politeness", "sms_spam"]
