"""Label quality: agreement among annotators, consensus labels, gold items, label issues."""

from nb_label.quality.agreement import (
    AgreementReport,
    agreement_report,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    pairwise_agreement,
)
from nb_label.quality.api import agreement, consensus, long_labels
from nb_label.quality.consensus import dawid_skene, majority_vote
from nb_label.quality.gold import gold_accuracy, gold_labels
from nb_label.quality.label_issues import find_label_issues
from nb_label.quality.suggestion_effect import SuggestionEffect, suggestion_effect

__all__ = [
    "AgreementReport",
    "SuggestionEffect",
    "agreement",
    "consensus",
    "long_labels",
    "agreement_report",
    "cohen_kappa",
    "dawid_skene",
    "find_label_issues",
    "fleiss_kappa",
    "gold_accuracy",
    "gold_labels",
    "krippendorff_alpha",
    "majority_vote",
    "pairwise_agreement",
    "suggestion_effect",
]
