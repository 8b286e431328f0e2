"""`make lab`: the notebooks' `python3` kernel, inside Lab, reloads `analysis` on change."""

from __future__ import annotations

import json
import os

import pytest

from analysis.pipeline import lab


def test_lab_kernel_spec_autoreloads(tmp_path):
    folder = lab.write_lab_kernel(tmp_path)
    spec = json.loads((folder / "kernel.json").read_text(encoding="utf-8"))
    assert folder.name == "python3"  # the kernel name the notebooks carry
    assert spec["argv"][-2:] == list(lab.AUTORELOAD_ARGS)
    assert lab.lab_environment(tmp_path)["JUPYTER_PATH"].split(os.pathsep)[0] == str(tmp_path)


@pytest.mark.slow
def test_a_module_edited_while_the_kernel_runs_is_reloaded(tmp_path, monkeypatch):
    """Start the Lab kernel, import a module, edit it, call it again: the new code runs."""
    manager_module = pytest.importorskip("jupyter_client.manager")
    lab.write_lab_kernel(tmp_path / "jupyter")
    monkeypatch.setenv("JUPYTER_PATH", lab.lab_environment(tmp_path / "jupyter")["JUPYTER_PATH"])
    package = tmp_path / "code"
    package.mkdir()
    module = package / "edited_module.py"
    module.write_text("def answer():\n    return 1\n", encoding="utf-8")
    manager, client = manager_module.start_new_kernel(kernel_name="python3", cwd=str(package))
    try:

        def run(code: str) -> str:
            reply = client.execute_interactive(code, timeout=30, output_hook=outputs.append)
            assert reply["content"]["status"] == "ok", reply["content"]
            return "".join(
                o["content"].get("text", "") for o in outputs if o["msg_type"] == "stream"
            )

        outputs: list = []
        assert manager.kernel_spec.resource_dir == str(tmp_path / "jupyter" / "kernels" / "python3")
        assert run("import edited_module\nprint(edited_module.answer())").strip() == "1"
        outputs.clear()
        module.write_text("def answer():\n    return 2\n", encoding="utf-8")
        # A different size and mtime: autoreload compares them before reloading.
        os.utime(module, (module.stat().st_atime, module.stat().st_mtime + 5))
        assert run("print(edited_module.answer())").strip() == "2"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
