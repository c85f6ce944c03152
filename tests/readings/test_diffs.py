from readings.diffs import Piece, text_diff


def test_a_rewritten_phrase_reads_as_old_then_new():
    assert text_diff("A network that compresses", "An encoder maps") == [
        Piece("removed", "A network that compresses"),
        Piece("added", "An encoder maps"),
    ]


def test_unchanged_words_stay_between_changes():
    assert text_diff("add a vector", "add a chosen vector") == [
        Piece("same", "add a "),
        Piece("added", "chosen "),
        Piece("same", "vector"),
    ]


def test_identical_texts_have_no_change():
    assert all(piece.kind == "same" for piece in text_diff("same text", "same text"))
