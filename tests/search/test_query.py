import pytest

from tracker.search.query import Term, expand_aliases, parse_query


def test_words_are_all_required_in_one_alternative():
    parsed = parse_query("sparse autoencoders ")
    assert parsed.alternatives == ((Term("sparse"), Term("autoencoders")),)
    assert parsed.prefix == ""


def test_quotes_make_a_phrase_and_minus_excludes():
    parsed = parse_query('"toy models" -grokking -"neural collapse" ')
    assert parsed.alternatives == (
        (
            Term("toy models", phrase=True),
            Term("grokking", negated=True),
            Term("neural collapse", phrase=True, negated=True),
        ),
    )


def test_or_splits_the_query_into_alternatives_like_postgres():
    # websearch_to_tsquery reads `a b or c d` as (a & b) | (c & d).
    parsed = parse_query("sparse probing OR linear probes ")
    assert parsed.alternatives == (
        (Term("sparse"), Term("probing")),
        (Term("linear"), Term("probes")),
    )
    assert parsed.websearch_text() == "sparse probing or linear probes"


def test_an_alternative_of_exclusions_alone_is_dropped():
    assert parse_query("-grokking").is_empty
    parsed = parse_query("circuits or -grokking")
    assert parsed.alternatives == ((Term("circuits"),),)


def test_unclosed_quote_runs_to_the_end():
    parsed = parse_query('"induction heads')
    assert parsed.alternatives == ((Term("induction heads", phrase=True),),)
    assert parsed.prefix == ""


@pytest.mark.parametrize(
    ("typed", "prefix"),
    [
        ("toy superpo", "superpo"),
        ("Superpo", "superpo"),
        ("toy superpo ", ""),  # a space after the word: the word is finished
        ("toy su", ""),  # too short to match as a prefix
        ("toy -superpo", ""),  # an exclusion is never a prefix
        ('toy "superpo"', ""),
        ("toy auto-enc", ""),  # not a plain word
        ("circuits or", ""),
    ],
)
def test_only_the_last_plain_word_being_typed_is_a_prefix(typed, prefix):
    assert parse_query(typed).prefix == prefix


def test_prefix_keeps_the_rest_of_its_alternative_as_context():
    parsed = parse_query("grokking or toy superpo")
    assert parsed.prefix == "superpo"
    assert parsed.prefix_context == (Term("toy"),)


def test_query_text_is_cut_to_a_bounded_length():
    assert len(parse_query("word " * 500).raw) == 200


@pytest.mark.django_db
def test_an_alias_adds_an_alternative_with_each_other_name(term_factory):
    term_factory(name="Variational auto-encoder", aliases=["VAE"])
    parsed = expand_aliases(parse_query("vae training "))
    assert parsed.alternatives == (
        (Term("vae"), Term("training")),
        (Term("Variational auto-encoder", phrase=True), Term("training")),
    )
    assert parsed.names_found == ("VAE", "Variational auto-encoder")


@pytest.mark.django_db
def test_a_multi_word_name_is_found_as_consecutive_words(term_factory):
    term_factory(name="Sparse autoencoder", aliases=["SAE"])
    parsed = expand_aliases(parse_query("train sparse autoencoder, quickly"))
    assert (Term("train"), Term("SAE", phrase=True), Term("quickly")) in parsed.alternatives


@pytest.mark.django_db
def test_excluded_words_are_not_expanded(term_factory):
    term_factory(name="Variational auto-encoder", aliases=["VAE"])
    parsed = expand_aliases(parse_query("generative -VAE"))
    assert parsed.alternatives == ((Term("generative"), Term("VAE", negated=True)),)
