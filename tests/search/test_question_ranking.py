"""Search reads questions: filler does not outweigh the topic, titles count more than passing
mentions, words near each other beat words far apart, and the exact phrase comes first."""

from tests.support import REPO


def titles(api, q):
    response = api.get("/search?" + "&".join(f"{k}={v}" for k, v in {"q": q}.items()))
    assert response.status_code == 200, response.get_json()
    return [r["title"] for r in response.get_json()["results"]]


def test_a_question_about_money_back_finds_the_refund_article_first(app, client, runner):
    app.config["RATE_LIMIT_PER_MINUTE"] = 0
    result = runner.invoke(args=["import", str(REPO / "articles")])
    assert result.exit_code == 0, result.output
    response = client.get("/api/v1/search", query_string={"q": "how do i get my money back"})
    assert response.status_code == 200
    assert response.get_json()["results"][0]["title"] == "Requesting a refund"
    response = client.get("/api/v1/search", query_string={"q": "how do I change my password"})
    assert response.get_json()["results"][0]["title"] == "Resetting your password"


def test_question_words_do_not_decide_the_ranking(make_document, api_as):
    make_document(state="published", title="Exporting invoices",
                  body="Open Billing and choose Export to download every invoice as a file.")
    make_document(state="published", title="How do I do what I need to do",
                  body="How do I get started? What do I do first? How do I do it? "
                       "Mention of an invoice in passing.")
    assert titles(api_as(None)[0], "how do I export my invoices")[0] == "Exporting invoices"


def test_a_word_in_the_title_beats_the_same_word_in_passing(make_document, api_as):
    make_document(state="published", title="Notification settings",
                  body="Pick which emails you receive. Webhooks are covered elsewhere, "
                       "and so are many other things people ask about every day.")
    make_document(state="published", title="Webhooks",
                  body="Send events to your server. Choose which events to deliver, then "
                       "save the endpoint so it starts receiving them right away.")
    assert titles(api_as(None)[0], "webhooks")[0] == "Webhooks"


def test_words_next_to_each_other_beat_words_far_apart(make_document, api_as):
    filler = " ".join(["Other settings live on this page too."] * 12)
    make_document(state="published", title="Account page one",
                  body=f"Your backup matters. {filler} Codes for gift cards are elsewhere.")
    make_document(state="published", title="Account page two",
                  body=f"Keep your backup codes safe. {filler} That is all.")
    assert titles(api_as(None)[0], "backup codes")[0] == "Account page two"


def test_the_document_with_the_exact_phrase_ranks_first(make_document, api_as):
    make_document(state="published", title="Page setup errors",
                  body="Setting the page up: your profile must be finished before members "
                       "join, and setting payouts up comes later. Finish each step.")
    make_document(state="published", title="Banner messages",
                  body="A banner saying Finish setting up your page means a step is missing.")
    assert titles(api_as(None)[0], "Finish setting up your page")[0] == "Banner messages"
