"""The main question of a mail: asking sentences, the last ones, quoted text left out."""

from knowledge.question import asking_sentences, main_question


def test_question_marks_and_requests_count_greetings_and_quotes_do_not():
    text = ("Beste helpdesk,\n\nWij zijn een kleine school. Vorig jaar kochten we tokens.\n"
            "Kunt u mij laten weten wie de middelen levert.\nIs niveau 2+ genoeg?\n\nAlvast bedankt!\n"
            "> Wat kost het?\n")
    assert asking_sentences(text) == ["Kunt u mij laten weten wie de middelen levert.", "Is niveau 2+ genoeg?"]


def test_main_question_keeps_the_last_asking_sentences_and_the_subject():
    text = "Eerste vraag? Tweede vraag? Context zonder vraag. Derde vraag? Vierde vraag?"
    assert main_question(text, "Onderwerp") == "Onderwerp\nTweede vraag?\nDerde vraag?\nVierde vraag?"
    assert main_question("Geen vraag hier.", "") == ""
    assert main_question("Please let me know the price.", "") == "Please let me know the price."
