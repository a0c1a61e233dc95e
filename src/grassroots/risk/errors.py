"""What a statistical fit may raise on bad data, caught per region so one bad fit never aborts a daily run."""

from statsmodels.tools.sm_exceptions import MissingDataError, PerfectSeparationError

# ValueError covers numpy.linalg.LinAlgError (a singular design) and the input checks of risk/analytics;
# ArithmeticError covers FloatingPointError, OverflowError and ZeroDivisionError.
FIT_ERRORS: tuple[type[Exception], ...] = (ValueError, ArithmeticError, PerfectSeparationError, MissingDataError)
