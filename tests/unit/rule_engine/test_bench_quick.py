"""bench/rules.py --quick keeps working: our evaluation, bare simpleeval, the lambda and SQL agree."""
import importlib.util
import pathlib


def test_rules_bench_quick_run_checks_answers(capsys):
    path = pathlib.Path(__file__).resolve().parents[3] / "bench" / "rules.py"
    spec = importlib.util.spec_from_file_location("bench_rules", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--quick"]) == 0
    assert "answers agree" in capsys.readouterr().out
