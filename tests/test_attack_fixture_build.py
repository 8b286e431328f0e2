"""The attack-trends notebook built by the pipeline from the hand-made ACLED exports of two
countries side by side (tests/fixtures/acled_two_countries: invented values in ACLED's current
layout, HDX's per-country names, Burkina Faso's the newer file), for Mali and for Burkina Faso:
the export is picked by its rows, only it is listed as read (manifest, header), its vintage is
its data's last day, and the key findings, 'Latest' and the verdict are those worked out by hand
in the fixture's README. UCDP's series come from ../shared/data (skipped where absent)."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from analysis import config
from analysis.pipeline.command import EXIT_OK, BuildOptions, build

EXPORTS = Path(__file__).parent / "fixtures" / "acled_two_countries"
RUN_DATE = "2026-12-08"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build per country into one reports folder, the exports side by side in data/raw."""
    if not (config.SHARED_DATA_DIR / "ucdp_brd_v24_1").is_dir():
        pytest.skip("../shared/data (UCDP BRD 24.1, OWID) is absent on this machine")
    root = tmp_path_factory.mktemp("two-exports")
    folder = root / "raw" / "acled"
    folder.mkdir(parents=True)
    shutil.copy(EXPORTS / "conflict_data_mli.csv", folder)
    shutil.copy(EXPORTS / "conflict_data_bfa.csv", folder)
    later = (folder / "conflict_data_mli.csv").stat().st_mtime + 3600
    os.utime(folder / "conflict_data_bfa.csv", (later, later))
    pages = {}
    with pytest.MonkeyPatch.context() as patch:
        # the kernel inherits the environment: data/raw is the fixture's
        patch.setenv("MALI_RAW_DIR", str(root / "raw"))
        patch.setenv("MALI_SHARED_DATA", str(config.SHARED_DATA_DIR.resolve()))
        for country in ("Mali", "Burkina Faso"):
            out = root / country.replace(" ", "_")
            options = BuildOptions(
                out=out,
                run_date=RUN_DATE,
                only=["attack_trends"],
                param_pairs=[("country", country)],
                jobs=1,
                input_dirs=(root / "raw",),
                quiet=True,
            )
            err = io.StringIO()
            assert build(options, io.StringIO(), err) == EXIT_OK, err.getvalue()
            run = out / RUN_DATE
            manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
            (entry,) = manifest["notebooks"]
            html = (run / "attack_trends.html").read_text(encoding="utf-8")
            pages[country] = (entry, html)
    return pages


def test_the_export_of_the_country_is_read_and_dated_by_its_data(built):
    for country, file, last in (
        ("Mali", "conflict_data_mli.csv", "29 August 2020"),
        ("Burkina Faso", "conflict_data_bfa.csv", "28 August 2020"),
    ):
        entry, html = built[country]
        acled = [o for o in entry["origins"] if o["dataset"] == "acled"]
        assert [(Path(o["where"]).name, o["version"]) for o in acled] == [
            (file, f"data through {last}")
        ]
        other = "conflict_data_bfa.csv" if country == "Mali" else "conflict_data_mli.csv"
        assert other not in json.dumps(entry["origins"]) and other not in html
        assert f"data through {last}" in html
        # OWID and BRD end in 2023: the brief is dated by them
        assert entry["data_through"] == "2023-12-31"


def test_mali_key_findings_latest_and_verdict(built):
    entry, html = built["Mali"]
    findings = entry["key_findings"]
    # README: 20 attacks and 120 deaths from 2 to 29 August 2020, 10 the 4 weeks before:
    # 5 and 2.5 a week, +100%
    assert (
        "In the last 4 weeks the ACLED export covers (2 August 2020 to 29 August 2020): 20 "
        "events and 120 deaths; against the 4 weeks before (10 events), a large increase "
        "(+100%)."
    ) in findings
    (verdict,) = [f for f in findings if "defenceweb-2019" in f]
    assert (
        " is partly supported, from 2012-2014 to 2017-2019: the north's share fell from 79% to "
        "38% (as claimed), the centre's share rose from 17% to 60% (as claimed), the south's "
        "share went from 4% to 2%, no clear change (the claim says it rose)."
    ) in verdict
    # the 30 days to 29 August 2020: 120 deaths, no 30 days before held more than 33
    assert "The 30 days to 29 August 2020 had 120 deaths: the highest in one year; the " in html
    assert "153 of the 399 events of the ACLED export for Mali" in html


def test_burkina_faso_compares_too_few_events_and_reads_its_own_context(built):
    entry, html = built["Burkina Faso"]
    assert (
        "In the last 4 weeks the ACLED export covers (1 August 2020 to 28 August 2020): 1 event "
        "and 2 deaths; against the 4 weeks before (1 event), too few events to compare (ACLED's "
        "low-baseline rule)."
    ) in entry["key_findings"]
    assert "choose country" not in html
    assert "243 of the 899 events of the ACLED export for Burkina Faso" in html
