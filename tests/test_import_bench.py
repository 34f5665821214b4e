"""`python -m bench import` on a small file: the messy export it writes is read right only with sniffing."""

from __future__ import annotations

from bench.import_bench import messy_csv, run


def test_bench_file_has_lying_headers_and_sniffing_reads_every_row() -> None:
    head = messy_csv(3).decode().splitlines()
    assert head[0].startswith("rank,name,Instagram name") and " " not in head[1].split(",")[1]
    result = run(300, reps=1)
    assert result["rows_accepted_sniffing"] == result["rows_accepted_mapped"] == 300
    assert result["rows_accepted_header_only"] < 300  # by header alone the display names fail as handles
    assert result["columns_chosen"]["name"] == "handle:instagram"
    assert result["columns_chosen"]["Instagram name"] == "name"
    assert result["dictreader_rows_per_s"] > 0 and result["import_sniffing_rows_per_s"] > 0
