"""A base URL or data folder the app cannot use safely is refused with a message, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from kasir.errors import ConfigError
from kasir.orkut.client import check_base_url
from tests.processes import run_kasir


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://user:pass@127.0.0.1:8787", "kata sandi"),
        ("https://admin@orkut.example", "nama pengguna"),
        ("https://orkut.example/?key=1", "'?'"),
        ("https://orkut.example/#x", "'#'"),
        ("http://[::1", "tidak valid"),
        ("http://127.0.0.1:99999", "tidak valid"),
        ("", "tidak valid"),
    ],
)
def test_a_base_url_the_app_cannot_use_safely_is_refused_with_the_reason(url: str, why: str) -> None:
    with pytest.raises(ConfigError) as caught:
        check_base_url(url)
    assert why in str(caught.value)


@pytest.mark.parametrize("url", ["http://[::1", "http://user:secret-pass@127.0.0.1:9"])
def test_a_bad_api_url_on_the_command_line_is_a_usage_error_and_nothing_is_written(url: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = run_kasir("--api-url", url, "--data-dir", str(data), home=tmp_path)
    assert result.returncode == 2
    assert "--api-url" in result.stderr and "Traceback" not in result.stderr
    assert not data.exists()  # no settings.json that could hold the password


def test_an_empty_data_dir_is_refused_instead_of_using_the_start_folder(tmp_path: Path) -> None:
    result = run_kasir("--data-dir", "", home=tmp_path)
    assert result.returncode == 2 and "folder data tidak boleh kosong" in result.stderr
    assert list(tmp_path.iterdir()) == []
