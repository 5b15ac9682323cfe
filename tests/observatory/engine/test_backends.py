"""DuckDB and PySpark give identical indicator tables on the same store."""

import os
import shutil

import pytest

from jumelage.observatory.engine.backends import duckdb_backend, pyspark_backend
from jumelage.observatory.engine.indicators import Scope, compute
from tests.observatory.engine.test_indicators import build_store

if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    if os.environ.get("CI"):
        pytest.fail("Java is needed for the PySpark backend and CI must run it",
                    pytrace=False)
    pytest.skip("Java is not installed: the PySpark backend cannot start (CI runs it)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def spark():
    from jumelage.observatory.engine.backends import local_spark_session

    session = local_spark_session(app_name="jumelage-tests")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture
def store(tmp_path):
    with build_store(tmp_path) as opened:
        yield opened


@pytest.mark.parametrize(("scope", "copublications"), [
    (Scope(), 3),  # W1, W2, W5 (test_indicators.py counts them by hand)
    (Scope(sides=("ARA", "CA")), 4),  # and W3, with Toronto
    (Scope(sides=("FR", "CA"), since=2020), 3),  # W2, W3, W5
], ids=["ARA-QC", "ARA-CA", "FR-CA-since-2020"])
def test_pyspark_gives_the_same_indicators_as_duckdb(store, spark, tmp_path, scope,
                                                     copublications):
    on_duckdb = compute(duckdb_backend(store), scope).as_dict()
    on_spark = compute(pyspark_backend(store, session=spark, folder=tmp_path / "parquet"),
                       scope).as_dict()
    assert on_duckdb["copublications"] == copublications
    assert on_spark == on_duckdb
