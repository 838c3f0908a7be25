"""Label quality: agreement among annotators and consensus labels."""

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

__all__ = [
    "AgreementReport",
    "agreement",
    "consensus",
    "long_labels",
    "agreement_report",
    "cohen_kappa",
    "dawid_skene",
    "fleiss_kappa",
    "krippendorff_alpha",
    "majority_vote",
    "pairwise_agreement",
]
