"""The strategy benchmark runs the README's own code: its copy must not drift from README.md."""

from pathlib import Path

from benchmarks._strategy_runs import README_CODE

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_line_of_the_benchmarks_copy_reads_as_in_the_readme_in_order():
    position = 0
    for line in filter(None, README_CODE.splitlines()):
        found = README.find(line + "\n", position)
        assert found >= 0, f"README.md no longer has, after the previous line: {line!r}"
        position = found + len(line)
    assert 'df = nbl.datasets.sms_spam()  # 5,574 real messages: "text", "label"' in README
