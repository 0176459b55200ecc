"""Preprocessing: scalers, encoders, polynomial features and imputation (scikit-learn API).

See docs/notes/svm.md#preprocessing.
"""

from groundup.ml.preprocessing._encoders import OneHotEncoder, OrdinalEncoder
from groundup.ml.preprocessing._imputer import SimpleImputer
from groundup.ml.preprocessing._label import LabelEncoder
from groundup.ml.preprocessing._polynomial import PolynomialFeatures
from groundup.ml.preprocessing._scalers import MinMaxScaler, RobustScaler, StandardScaler

__all__ = [
    "LabelEncoder",
    "MinMaxScaler",
    "OneHotEncoder",
    "OrdinalEncoder",
    "PolynomialFeatures",
    "RobustScaler",
    "SimpleImputer",
    "StandardScaler",
]
