"""Ibis backends over the store: DuckDB in place, or PySpark reading the store's tables.

`compute()` runs the same expressions on both; PySpark is for a full OpenAlex snapshot on a
cluster (point `spark` at it), and runs locally in tests to show that the two agree.
"""

import tempfile
from pathlib import Path

import ibis

from jumelage.observatory.engine.store import Store

TABLES = ("works", "work_map", "affiliations", "authorships", "resolutions", "institutions",
          "work_themes")


def duckdb_backend(store: Store):
    return ibis.duckdb.from_connection(store.con)


def export_parquet(store: Store, folder: Path) -> dict[str, Path]:
    """Each table the indicators read, as one Parquet file in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for table in TABLES:
        path = folder / f"{table}.parquet"
        store.con.execute(f"COPY {table} TO '{path}' (FORMAT PARQUET)")
        paths[table] = path
    return paths


def local_spark_session(*, app_name: str = "jumelage-observatory"):
    """A local Spark session sized for this machine (tests, one-machine runs)."""
    from pyspark.sql import SparkSession

    return (SparkSession.builder.master("local[2]").appName(app_name)
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate())


def pyspark_backend(store: Store, *, session=None, folder: Path | None = None):
    """A PySpark backend whose tables are the store's, exported to Parquet."""
    session = session or local_spark_session()
    folder = folder or Path(tempfile.mkdtemp(prefix="jumelage-spark-"))
    for table, path in export_parquet(store, folder).items():
        session.read.parquet(str(path)).createOrReplaceTempView(table)
    return ibis.pyspark.connect(session)
