"""Inter-coder agreement: reliability data in, coefficients out (numpy; no database, no Qt)."""

from annotator.agreement.bootstrap import BootstrapInterval, bootstrap_alpha
from annotator.agreement.coefficients import (
    Coefficient,
    PairwiseKappa,
    alpha_with_distance,
    brennan_prediger,
    cohen_kappa,
    coincidence_matrix,
    confusion_matrix,
    disagreement_index,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    pairwise_cohen,
    percent_agreement,
    scott_pi,
)
from annotator.agreement.data import LEVELS, MISSING, ReliabilityData, read_long_csv
from annotator.agreement.distances import masi
from annotator.agreement.errors import AgreementError
from annotator.agreement.report import (
    COEFFICIENT_KEYS,
    AgreementReport,
    Disagreement,
    compute_report,
    per_code_data,
)

__all__ = [
    "COEFFICIENT_KEYS",
    "LEVELS",
    "MISSING",
    "AgreementError",
    "AgreementReport",
    "BootstrapInterval",
    "Coefficient",
    "Disagreement",
    "PairwiseKappa",
    "ReliabilityData",
    "alpha_with_distance",
    "bootstrap_alpha",
    "brennan_prediger",
    "cohen_kappa",
    "coincidence_matrix",
    "compute_report",
    "confusion_matrix",
    "disagreement_index",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "masi",
    "pairwise_cohen",
    "per_code_data",
    "percent_agreement",
    "read_long_csv",
    "scott_pi",
]
