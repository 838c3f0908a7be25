"""Writes answer_types.ipynb (kept as a script so the notebook's source is easy to review)."""

import nbformat as nbf
from _write import write_notebook

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell

cells = [
    md(
        "# Kinds of answer\n\n"
        "Not every question has one label. Besides single labels, a `Labeller` takes\n\n"
        "- **multi-label** answers (`nbl.MultiLabel`): toggle labels with their keys, Enter "
        "confirms;\n"
        "- **ratings** (`nbl.Rating`): a step of an ordered scale, keys 1..N;\n"
        "- **numbers** (`nbl.Number`): typed, or nudged with ArrowUp / ArrowDown;\n"
        "- **captions** (`nbl.Caption`): a text box; Enter saves, Shift+Enter starts a new "
        "line;\n\n"
        "and shows **audio** (`nbl.AudioView`, `p` plays and pauses) or a text with a small "
        "**table beside it** (`nbl.views.TextWithTable`). Every answer is a `label` event whose "
        "value is plain JSON, shown in `annotations` and exported."
    ),
    code(
        "import io\nimport os\nimport tempfile\nimport wave\nfrom pathlib import Path\n\n"
        "import numpy as np\nimport pandas as pd\n\nimport nb_label as nbl\n\n"
        'store = os.environ.get("NB_LABEL_STORE", "labels.db")\n'
        "sms = nbl.datasets.sms_spam()  # 5,574 real messages (UCI, CC BY 4.0)\n"
        "polite = nbl.datasets.politeness()  # 4,353 Wikipedia requests, 5 ratings each"
    ),
    md(
        "## Multi-label\n\n"
        "A message can be several things at once. The card shows toggle buttons with keys "
        "**1**..**4**; **Enter** sends the toggled set. An empty set is refused (unless "
        "`min_labels=0`)."
    ),
    code(
        'topics = nbl.MultiLabel(["asks to call", "prize", "link", "personal"])\n'
        'multi = nbl.Labeller(sms, show="text", answer=topics, store=store, annotator="ana",\n'
        '                     dataset="sms-topics")\n'
        "multi"
    ),
    code(
        'multi.label(["prize", "asks to call"], item_key=2)\n'
        'multi.label(["personal"], item_key=0)\n'
        "try:\n"
        "    multi.label([], item_key=1)\n"
        "except ValueError as err:\n"
        '    print("refused:", err)\n'
        "ann = multi.annotations\n"
        'assert ann.loc[2, "label"] == ["asks to call", "prize"]  # in the label set\'s order\n'
        'assert bool(ann.loc[2, "label=prize"]) and not bool(ann.loc[2, "label=link"])\n'
        'assert ann.loc[1, "state"] == "unlabelled"  # nothing saved for the refused answer\n'
        'ann.loc[[0, 1, 2], ["label", "label=asks to call", "label=prize", "label=link", '
        '"label=personal"]]'
    ),
    md(
        "## Ratings\n\n"
        "The politeness corpus has five ratings per request on a 1..25 scale; here they are "
        "folded onto a 1..5 scale (`ceil(score / 5)`). The scale travels with the labeller, "
        "`annotations['label']` is an ordered categorical, and `nbl.agreement` treats the "
        "answers as **ordinal** on its own."
    ),
    code(
        "stars = nbl.Rating(range(1, 6))\n"
        'rate = nbl.Labeller(polite, show="text", answer=stars, store=store, annotator="ana",\n'
        '                    dataset="politeness-1to5")\n'
        "first = polite.index[:300]\n"
        'for column, who in [("score1", "ana"), ("score2", "bo")]:\n'
        "    folded = np.ceil(polite.loc[first, column] / 5).astype(int)\n"
        "    rate.import_labels(folded, annotator=who)\n"
        "ann = rate.annotations\n"
        'assert ann["label"].cat.ordered and ann.attrs["scale"] == [1, 2, 3, 4, 5]\n'
        'ordinal, nominal = nbl.agreement(rate), nbl.agreement(rate, level="nominal")\n'
        'print("alpha ordinal", round(ordinal.overall["krippendorff_alpha"], 3),\n'
        '      "nominal", round(nominal.overall["krippendorff_alpha"], 3))\n'
        'assert ordinal.level == "ordinal"\n'
        "# near misses (3 vs 4) count as partly agreeing on an ordinal scale\n"
        'assert ordinal.overall["krippendorff_alpha"] > nominal.overall["krippendorff_alpha"]\n'
        "try:\n"
        "    rate.label(7)\n"
        "except ValueError as err:\n"
        '    print("refused:", err)\n'
        "rate"
    ),
    md(
        "A model learns ratings as classes (each step one class). For multi-label answers "
        "`ActiveLoop` fits one binary model per label (one-vs-rest) and suggests the labels "
        "above 0.5. Numbers and captions have no classes: `ActiveLoop` refuses them with a "
        "clear message."
    ),
    code(
        "from sklearn.feature_extraction.text import TfidfVectorizer\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "from sklearn.pipeline import make_pipeline\n\n"
        "model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))\n"
        'loop = nbl.ActiveLoop(rate, model, features="text", random_state=0)\n'
        "row = loop.retrain()\n"
        "assert set(loop.model_.classes_) <= {1, 2, 3, 4, 5}\n"
        'assert rate.suggestion()["label"] in stars.scale'
    ),
    md(
        "## Numbers\n\n"
        "Typed in the card, or nudged by `step` with ArrowUp / ArrowDown (Shift: ten steps); "
        "Enter saves. A value outside the bounds, or not a number, is refused on the card "
        "before it is sent, and again by the kernel."
    ),
    code(
        "count = nbl.Number(min=0, max=50, step=1)\n"
        'numbers = nbl.Labeller(sms, show="text", answer=count, store=store, annotator="ana",\n'
        '                       dataset="sms-word-count")\n'
        'words = len(sms.loc[0, "text"].split())\n'
        "numbers.label(words, item_key=0)\n"
        'for bad in [51, "twenty"]:\n'
        "    try:\n"
        "        numbers.label(bad, item_key=1)\n"
        "    except ValueError as err:\n"
        '        print("refused:", err)\n'
        'assert numbers.annotations.loc[0, "label"] == words\n'
        'assert numbers.annotations.loc[1, "state"] == "unlabelled"\n'
        "try:\n"
        '    nbl.ActiveLoop(numbers, model, features="text")\n'
        "except ValueError as err:\n"
        '    print("ActiveLoop:", err)\n'
        "numbers"
    ),
    md(
        "## Captions and transcriptions\n\n"
        "The card shows a text box; **Enter** saves, **Shift+Enter** starts a new line, and "
        "keys typed there never trigger a shortcut. The time from the first keystroke to "
        "Enter is stored as the answer's `seconds`. An empty caption is refused unless "
        "`Caption(allow_empty=True)`."
    ),
    code(
        'plain = nbl.Labeller(sms, show="text", answer=nbl.Caption(), store=store,\n'
        '                     annotator="ana", dataset="sms-plain-english")\n'
        'plain.label("Reminder that\\nthe meeting moved to Friday.", item_key=3)\n'
        "try:\n"
        '    plain.label("   ", item_key=4)\n'
        "except ValueError as err:\n"
        '    print("refused:", err)\n'
        'assert plain.annotations.loc[3, "label"].count("\\n") == 1\n'
        "plain"
    ),
    md(
        "## Audio\n\n"
        "`AudioView` reads a file path or bytes, checks that it decodes (WAV with the `wave` "
        "module, other formats by their first bytes) and sends a `data:audio/...` URL; **p** "
        "plays and pauses. A clip that cannot be decoded is shown as such and flagged for "
        "review, and labelling goes on."
    ),
    code(
        "def tone(hz, seconds=0.6, rate=8000):\n"
        "    t = np.arange(int(seconds * rate)) / rate\n"
        "    samples = (0.3 * 32767 * np.sin(2 * np.pi * hz * t)).astype('<i2')\n"
        "    out = io.BytesIO()\n"
        "    with wave.open(out, 'wb') as w:\n"
        "        w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)\n"
        "        w.writeframes(samples.tobytes())\n"
        "    return out.getvalue()\n\n"
        "folder = Path(tempfile.mkdtemp())\n"
        "(folder / 'low.wav').write_bytes(tone(220))\n"
        "(folder / 'broken.wav').write_bytes(b'RIFF\\x00\\x00\\x00\\x00WAVEnot really')\n"
        "clips = pd.DataFrame({'path': [str(folder / 'low.wav'), str(folder / 'broken.wav')],\n"
        "                      'clip': [tone(440), tone(880)]})\n"
        "hear = nbl.Labeller(clips, show='path', answer=nbl.Caption(), store=store,\n"
        "                    annotator='ana', dataset='tones', view=nbl.AudioView('path'))\n"
        "blocks = [hear.card_item(i)['blocks'][0] for i in range(2)]\n"
        "assert blocks[0]['kind'] == 'audio' and blocks[0]['src'].startswith('data:audio/wav;')\n"
        "assert blocks[0]['seconds'] == 0.6\n"
        "assert blocks[1]['kind'] == 'missing' and 'WAV' in blocks[1]['problem']\n"
        "assert hear.flag_unshowable() == 1  # kept for review, not lost\n"
        "hear.label('a low hum', item_key=0)\n"
        "hear"
    ),
    md(
        "## Several columns at once\n\n"
        "`TextWithTable` shows one column as text with other columns as a small table beside "
        "it (bytes columns of audio are detected by the default view, too)."
    ),
    code(
        "meta = sms.assign(length=sms['text'].str.len(),\n"
        "                  digits=sms['text'].str.count(r'\\d'))\n"
        "side = nbl.Labeller(meta, show=['text', 'length', 'digits'], labels=['ham', 'spam'],\n"
        "                    store=store, annotator='ana', dataset='sms-with-meta',\n"
        "                    view=nbl.views.TextWithTable('text', ['length', 'digits']))\n"
        "blocks = side.card_item(0)['blocks']\n"
        "assert [b['kind'] for b in blocks] == ['text', 'table'] and blocks[1]['beside']\n"
        "side"
    ),
]
write_notebook(cells, "answer_types.ipynb")
