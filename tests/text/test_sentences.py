"""Messages joined into one line: one full stop each, never doubled punctuation."""

from __future__ import annotations

import pytest

from core.errors import Invalid
from core.text import labelled, sentences


@pytest.mark.parametrize(("messages", "line"), [
    (["Cần nhập họ và tên.", "Sai đơn vị."], "Cần nhập họ và tên. Sai đơn vị."),
    (["sai cột «Đối tượng»", "quá dài;"], "sai cột «Đối tượng». quá dài."),
    (["Đúng chưa?", "Xong…", "Hết./."], "Đúng chưa? Xong… Hết./."),
    (["", " . ", ":", "Chỉ một câu.  "], "Chỉ một câu."),
    (["Hai   dòng\n trong một câu:"], "Hai dòng trong một câu."),
    ([], ""),
])
def test_sentences(messages, line):
    assert sentences(messages) == line


def test_labelled_never_writes_an_empty_or_doubled_sentence():
    line = labelled({"Dòng 3": ["Cần nhập họ và tên cá nhân được đề nghị."], "Dòng 4:": ["sai cột «Đơn vị»"],
                     "Dòng 5": ["."], "Dòng 6": []})
    assert line == "Dòng 3: Cần nhập họ và tên cá nhân được đề nghị. Dòng 4: sai cột «Đơn vị»."
    for doubled in (".;", ". .", ": .", "..", "::"):
        assert doubled not in line
    # An error's own line is written the same way.
    assert str(Invalid({"file": ["Tệp rỗng."], "kind": ["Sai loại"]})) == "file: Tệp rỗng. kind: Sai loại."
