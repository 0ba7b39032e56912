"""`browsercheck parse --batch`: one JSON line per input line, in order, streaming, no aborts."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import Any

import pytest
from click.testing import CliRunner

from diagnostics.batch import MAX_LINE_BYTES, BatchDetector
from diagnostics.useragent import EnvironmentDetector
from tests.conftest import CHROME_WIN
from webapp.cli import main

WIN11 = json.dumps(
    {
        "ua": CHROME_WIN,
        "headers": {"Sec-CH-UA-Platform": '"Windows"', "Sec-CH-UA-Platform-Version": '"15.0.0"'},
    }
)
IPAD = json.dumps(
    {
        "ua": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "probe": {"maxTouchPoints": 5},
    }
)


def run_batch(data: bytes) -> list[dict[str, Any]]:
    out = io.StringIO()
    BatchDetector().run(io.BytesIO(data), out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_environment_per_line_in_order() -> None:
    lines = [CHROME_WIN, WIN11, "curl/8.5.0", IPAD, CHROME_WIN]
    out = run_batch("\n".join(lines).encode() + b"\n")
    assert [o["os"]["family"] for o in out] == ["Windows", "Windows", "Other", "iOS", "Windows"]
    assert [o["os"]["major"] for o in out[:2]] == [10, 11]
    assert out[1]["sources"]["os"] == "hints-header"
    assert out[2]["is_bot"] is True
    assert out[3]["device"]["type"] == "tablet"
    assert out[4] == out[0]


@pytest.mark.parametrize(
    "line,code,field",
    [
        ("", "empty_line", "$"),
        ("   ", "empty_line", "$"),
        ("{not json", "malformed_json", "$"),
        ("[" * 5000 + "]" * 5000, None, None),  # a bare UA: only "{" starts a JSON object
        ("{" + '"a":[' * 3000 + "]" * 3000 + "}", "malformed_json", "$"),
        ('{"ua": 5}', "invalid_input", "$.ua"),
        ('{"headers": {}}', "invalid_input", "$.ua"),
        ('{"ua": "x", "headers": []}', "invalid_input", "$.headers"),
        ('{"ua": "x", "headers": {"Sec-CH-UA": 1}}', "invalid_input", "$.headers.Sec-CH-UA"),
        ('{"ua": "x", "probe": "yes"}', "invalid_input", "$.probe"),
    ],
    ids=[
        "empty",
        "blank",
        "malformed",
        "bare-brackets",
        "too-deep",
        "ua-number",
        "no-ua",
        "headers-list",
        "header-number",
        "probe-string",
    ],
)
def test_bad_line_gives_error_object_and_the_stream_goes_on(
    line: str, code: str | None, field: str | None
) -> None:
    out = run_batch(f"{CHROME_WIN}\n{line}\n{CHROME_WIN}\n".encode())
    assert len(out) == 3 and out[0] == out[2] and out[0]["browser"]["family"] == "Chrome"
    if code is None:
        assert "error" not in out[1]
    else:
        assert out[1]["error"]["code"] == code and out[1]["error"]["field"] == field
        assert out[1]["line"] == 2 and out[1]["error"]["message"]


def test_ua_from_headers_when_the_object_has_none() -> None:
    out = run_batch(json.dumps({"headers": {"user-agent": CHROME_WIN}}).encode())
    assert out[0]["user_agent"] == CHROME_WIN


def test_overlong_line_is_skipped_in_chunks_not_read_whole() -> None:
    data = b"A" * (MAX_LINE_BYTES * 3 + 17) + b"\n" + CHROME_WIN.encode() + b"\n"
    out = run_batch(data)
    assert out[0]["error"]["code"] == "line_too_long"
    assert out[1]["browser"]["family"] == "Chrome" and len(out) == 2


def test_last_line_without_newline_crlf_and_bad_bytes() -> None:
    out = run_batch(b"curl/8.0\r\nMozilla/5.0 \xff\xfe<script>\ncurl/7.0")
    assert [o["user_agent"] for o in out] == [
        "curl/8.0",
        "Mozilla/5.0 \ufffd\ufffd<script>",
        "curl/7.0",
    ]


def test_lone_surrogates_in_json_input_still_give_valid_json_lines() -> None:
    out = run_batch(b'{"ua": "Mozilla/5.0 \\ud800 x"}\n')
    assert out[0]["user_agent"] == "Mozilla/5.0 ? x"  # a lone surrogate cannot be UTF-8


class _ExplodingStream(io.BytesIO):
    """Serves ``good`` lines, then fails: shows the batch writes before it has read it all."""

    def __init__(self, good: int) -> None:
        super().__init__((CHROME_WIN + "\n").encode() * good)
        self.good = good

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        if not line:
            raise OSError("the log is still being written")
        return line


def test_output_is_written_line_by_line_as_input_arrives() -> None:
    sink = io.StringIO()
    with pytest.raises(OSError):
        BatchDetector().run(_ExplodingStream(good=3), sink)
    assert len(sink.getvalue().splitlines()) == 3


def test_output_cache_stays_bounded() -> None:
    batch = BatchDetector(
        EnvironmentDetector(cache_size=16, ua_cache_size=16), output_cache_size=32
    )
    data = "".join(f"{CHROME_WIN} build/{i}\n" for i in range(500)).encode()
    out = io.StringIO()
    assert batch.run(io.BytesIO(data), out).lines == 500
    assert batch.cached_lines() <= 32
    assert max(batch.detector.cache_sizes().values()) <= 16
    batch.close()
    batch.close()
    assert batch.cached_lines() == 0


def test_cli_batch_from_stdin_and_file(tmp_path: Any) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["parse", "--batch", "-"], input=f"{CHROME_WIN}\n{{bad\n{WIN11}\n")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [("error" in o) for o in lines] == [False, True, False]
    assert "1 of 3 lines" in result.stderr
    path = tmp_path / "uas.txt"
    path.write_text(f"{CHROME_WIN}\n", encoding="utf-8")
    result = runner.invoke(main, ["parse", "--batch", str(path)])
    assert json.loads(result.stdout)["browser"]["major"] == 131


@pytest.mark.parametrize(
    "args,message",
    [
        ([], "give a USER_AGENT or --batch"),
        (["x", "--batch", "-"], "--batch takes"),
        (["x", "--probe", "[1]"], "expected a JSON object"),
        (["x", "--probe", "{"], "not valid JSON"),
    ],
    ids=["nothing", "ua-and-batch", "probe-not-object", "probe-malformed"],
)
def test_cli_parse_usage_errors(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["parse", *args])
    assert result.exit_code == 2 and message in result.output


def test_cli_single_parse_with_headers_and_probe() -> None:
    result = CliRunner().invoke(
        main,
        [
            "parse",
            IPAD and json.loads(IPAD)["ua"],
            "--probe",
            '{"maxTouchPoints": 5}',
            "--header",
            "Accept-Language: uk",
        ],
    )
    env = json.loads(result.stdout)
    assert (env["os"]["family"], env["device"]["type"], env["sources"]["os"]) == (
        "iOS",
        "tablet",
        "probe",
    )


def test_real_process_streams_a_large_batch_through_pipes() -> None:
    lines = [CHROME_WIN, "curl/8.0", "", WIN11] * 5000
    proc = subprocess.run(
        [sys.executable, "-m", "webapp", "parse", "--batch", "-"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    out = proc.stdout.splitlines()
    assert len(out) == len(lines)
    assert json.loads(out[-1])["os"]["major"] == 11
    assert json.loads(out[2])["error"]["code"] == "empty_line"
    assert "5000 of 20000 lines" in proc.stderr
