"""What a kernel says it imported: read from its reply, remembered for the process."""

from __future__ import annotations

from portraits.execution import kernel_imports


def _reply(status: str, text: str = "") -> dict:
    value = {"status": status, "data": {"text/plain": text}} if status == "ok" else {"status": status}
    return {"content": {"user_expressions": {"files": value}}}


def test_the_reply_gives_the_files_and_a_failed_one_none():
    assert kernel_imports.files(_reply("ok", "['/p/portraits/__init__.py', '/p/portraits/a.py']")) == [
        "/p/portraits/__init__.py", "/p/portraits/a.py"]
    assert kernel_imports.files(_reply("error")) == []


def test_what_kernels_imported_is_remembered_for_the_process():
    kernel_imports.note(["/p/portraits/zz_test_only.py"])
    assert "/p/portraits/zz_test_only.py" in kernel_imports.imported_so_far()
    kernel_imports._SEEN.discard("/p/portraits/zz_test_only.py")
