"""Inter-coder agreement: reliability data in, coefficients out (numpy; no database, no Qt)."""

from annotator.agreement import distances
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
from annotator.agreement.multirater import (
    coder_marginals,
    cohen_kappa_max_from_table,
    conger_kappa_profile,
    hubert_kappa,
    light_kappa,
    pair_tables,
    randolph_kappa_profile,
)
from annotator.agreement.report import (
    COEFFICIENT_KEYS,
    PER_CODE_KEYS,
    AgreementReport,
    Disagreement,
    compute_report,
    per_code_data,
)
from annotator.agreement.weights import WEIGHTS, weight_matrix

__all__ = [
    "COEFFICIENT_KEYS",
    "LEVELS",
    "MISSING",
    "PER_CODE_KEYS",
    "WEIGHTS",
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
    "coder_marginals",
    "cohen_kappa",
    "cohen_kappa_max_from_table",
    "coincidence_matrix",
    "compute_report",
    "confusion_matrix",
    "conger_kappa_profile",
    "disagreement_index",
    "distances",
    "fleiss_kappa",
    "gwet_ac1",
    "hubert_kappa",
    "krippendorff_alpha",
    "light_kappa",
    "masi",
    "pair_tables",
    "pairwise_cohen",
    "per_code_data",
    "percent_agreement",
    "randolph_kappa_profile",
    "read_long_csv",
    "scott_pi",
    "weight_matrix",
]
