"""Not-now mails that state when to come back, in 7 languages, each with a sensible check-in window.

Written by hand for this bench, apart from the code: the window starts on the day the mail names
(the start of a named period, the end for "end of", a promised date) and runs three weeks on.
"""

from __future__ import annotations

from datetime import date, timedelta

Case = tuple[str, date, str, date, date]  # language, mail date, text, window from, window to


def _w(day: date, weeks: int = 3) -> tuple[date, date]:
    return day, day + timedelta(weeks=weeks)


D1, D2, D3, D4 = date(2025, 3, 10), date(2025, 9, 22), date(2026, 1, 14), date(2026, 5, 6)

_ROWS: list[tuple[str, date, str, date]] = [
    # English
    (
        "en",
        D1,
        "Thanks for meeting the team on 3 March. The role is on hold until the end of April, so let's reconnect then.",
        date(2025, 4, 30),
    ),
    (
        "en",
        D1,
        "We loved talking to you. Budget for the position should be approved in Q3; please reach out again then.",
        date(2025, 7, 1),
    ),
    (
        "en",
        D2,
        "Our hiring is paused for now. We expect to reopen the search in a couple of months.",
        date(2025, 11, 22),
    ),
    (
        "en",
        D2,
        "You were a very close second. We will know by Friday whether our first choice accepts, and I'll be in touch right after.",
        date(2025, 9, 26),
    ),
    (
        "en",
        D3,
        "The team is in a hiring freeze. Could you check back with me in 60 days?",
        date(2026, 3, 15),
    ),
    (
        "en",
        D3,
        "We've postponed the decision until mid-February, when the new budget is in.",
        date(2026, 2, 15),
    ),
    (
        "en",
        D4,
        "Nothing is moving this side of the summer. Let's talk again after the summer.",
        date(2026, 9, 1),
    ),
    (
        "en",
        D4,
        "The position is frozen. We hope to restart hiring early next year.",
        date(2027, 1, 1),
    ),
    (
        "en",
        D1,
        "We will get back to you in a few weeks once the reorganisation settles.",
        date(2025, 3, 31),
    ),
    (
        "en",
        D2,
        "Hiring for this team is delayed until the new year. Feel free to get in touch in January.",
        date(2026, 1, 1),
    ),
    # German
    (
        "de",
        D1,
        "Vielen Dank für das Gespräch am 4. März. Die Stelle liegt derzeit auf Eis, voraussichtlich bis Ende Mai.",
        date(2025, 5, 31),
    ),
    (
        "de",
        D1,
        "Wir haben einen Einstellungsstopp. Melden Sie sich gern im dritten Quartal wieder bei uns.",
        date(2025, 7, 1),
    ),
    (
        "de",
        D2,
        "Die Entscheidung verschiebt sich. Wir melden uns bis zum 15. Oktober bei Ihnen.",
        date(2025, 10, 15),
    ),
    (
        "de",
        D2,
        "Sie waren knapp die zweite Wahl. Falls sich etwas ändert, wissen wir es in zwei Wochen.",
        date(2025, 10, 6),
    ),
    ("de", D3, "Das Budget für die Stelle wird erst im Frühjahr freigegeben.", date(2026, 3, 1)),
    (
        "de",
        D3,
        "Aktuell haben wir keinen Bedarf, aber Mitte März sieht es vermutlich anders aus.",
        date(2026, 3, 15),
    ),
    (
        "de",
        D4,
        "Die Stelle ist pausiert. Lass uns nach dem Sommer noch einmal sprechen.",
        date(2026, 9, 1),
    ),
    ("de", D4, "Wir planen, die Position nächstes Jahr neu auszuschreiben.", date(2027, 1, 1)),
    (
        "de",
        D1,
        "Die Stelle ist vorerst eingefroren; in ein paar Monaten wissen wir mehr.",
        date(2025, 5, 10),
    ),
    ("de", D2, "Wegen der Umstrukturierung pausieren wir bis Jahresende.", date(2025, 12, 31)),
    # French
    (
        "fr",
        D1,
        "Merci pour l'entretien du 5 mars. Le poste est gelé jusqu'à fin juin.",
        date(2025, 6, 30),
    ),
    (
        "fr",
        D1,
        "Le recrutement est suspendu ; nous devrions rouvrir le poste au troisième trimestre.",
        date(2025, 7, 1),
    ),
    (
        "fr",
        D2,
        "Notre décision est reportée : nous reviendrons vers vous d'ici le 20 octobre.",
        date(2025, 10, 20),
    ),
    (
        "fr",
        D2,
        "Vous étiez notre deuxième choix, de très peu. Nous saurons dans deux semaines si la situation change.",
        date(2025, 10, 6),
    ),
    (
        "fr",
        D3,
        "Le budget sera validé au printemps ; recontactez-nous à ce moment-là.",
        date(2026, 3, 1),
    ),
    (
        "fr",
        D3,
        "Nous n'avons pas de besoin immédiat, mais mi-mars la situation sera plus claire.",
        date(2026, 3, 15),
    ),
    ("fr", D4, "Le poste est en pause. Reparlons-en à la rentrée.", date(2026, 9, 1)),
    ("fr", D4, "Nous prévoyons de relancer ce recrutement l'année prochaine.", date(2027, 1, 1)),
    (
        "fr",
        D1,
        "Le poste est en attente ; nous reviendrons vers toi dans quelques semaines.",
        date(2025, 3, 31),
    ),
    (
        "fr",
        D2,
        "En raison d'une réorganisation, tout est suspendu jusqu'à la fin de l'année.",
        date(2025, 12, 31),
    ),
    # Spanish
    (
        "es",
        D1,
        "Gracias por la entrevista del 4 de marzo. El puesto está en pausa hasta finales de mayo.",
        date(2025, 5, 31),
    ),
    (
        "es",
        D1,
        "Tenemos una congelación de contrataciones; esperamos reabrir el puesto en el tercer trimestre.",
        date(2025, 7, 1),
    ),
    (
        "es",
        D2,
        "Hemos aplazado la decisión y le daremos una respuesta antes del 17 de octubre.",
        date(2025, 10, 17),
    ),
    (
        "es",
        D2,
        "Fuiste nuestra segunda opción por muy poco. Si algo cambia lo sabremos en un par de semanas.",
        date(2025, 10, 6),
    ),
    (
        "es",
        D3,
        "El presupuesto se aprobará en primavera; vuelve a escribirnos entonces.",
        date(2026, 3, 1),
    ),
    (
        "es",
        D3,
        "Ahora no tenemos necesidad, pero a mediados de marzo lo veremos más claro.",
        date(2026, 3, 15),
    ),
    (
        "es",
        D4,
        "El proceso está congelado. Hablemos de nuevo después del verano.",
        date(2026, 9, 1),
    ),
    ("es", D4, "Prevemos reabrir la vacante el próximo año.", date(2027, 1, 1)),
    ("es", D1, "El puesto está suspendido; en unos meses sabremos más.", date(2025, 6, 10)),
    (
        "es",
        D2,
        "Debido a una reestructuración, todo está en pausa hasta fin de año.",
        date(2025, 12, 31),
    ),
    # Dutch
    (
        "nl",
        D1,
        "Bedankt voor het gesprek op 6 maart. De vacature staat on hold tot eind april.",
        date(2025, 4, 30),
    ),
    (
        "nl",
        D1,
        "Er is een vacaturestop; we verwachten de functie in het derde kwartaal te heropenen.",
        date(2025, 7, 1),
    ),
    (
        "nl",
        D2,
        "Het besluit is uitgesteld. We laten je uiterlijk 14 oktober iets weten.",
        date(2025, 10, 14),
    ),
    (
        "nl",
        D2,
        "Je was onze tweede keuze, heel nipt. Over twee weken weten we of er iets verandert.",
        date(2025, 10, 6),
    ),
    (
        "nl",
        D3,
        "Het budget wordt in het voorjaar goedgekeurd; neem dan gerust weer contact op.",
        date(2026, 3, 1),
    ),
    (
        "nl",
        D3,
        "We hebben nu geen behoefte, maar half maart is het beeld duidelijker.",
        date(2026, 3, 15),
    ),
    ("nl", D4, "De functie is bevroren. Laten we na de zomer opnieuw praten.", date(2026, 9, 1)),
    ("nl", D4, "We willen de vacature volgend jaar opnieuw openen.", date(2027, 1, 1)),
    ("nl", D1, "De vacature is stilgezet; over een paar maanden weten we meer.", date(2025, 5, 10)),
    (
        "nl",
        D2,
        "Door een reorganisatie ligt alles stil tot het eind van het jaar.",
        date(2025, 12, 31),
    ),
    # Italian
    (
        "it",
        D1,
        "Grazie per il colloquio del 5 marzo. La posizione è sospesa fino a fine giugno.",
        date(2025, 6, 30),
    ),
    (
        "it",
        D1,
        "C'è un blocco delle assunzioni; contiamo di riaprire la posizione nel terzo trimestre.",
        date(2025, 7, 1),
    ),
    (
        "it",
        D2,
        "Abbiamo rinviato la decisione e ti faremo sapere entro il 21 ottobre.",
        date(2025, 10, 21),
    ),
    (
        "it",
        D2,
        "Sei stata la nostra seconda scelta per poco. Tra due settimane sapremo se qualcosa cambia.",
        date(2025, 10, 6),
    ),
    (
        "it",
        D3,
        "Il budget sarà approvato in primavera; scrivici di nuovo allora.",
        date(2026, 3, 1),
    ),
    (
        "it",
        D3,
        "Al momento non abbiamo necessità, ma a metà marzo sarà tutto più chiaro.",
        date(2026, 3, 15),
    ),
    ("it", D4, "La posizione è in pausa. Risentiamoci dopo l'estate.", date(2026, 9, 1)),
    ("it", D4, "Pensiamo di riaprire la ricerca il prossimo anno.", date(2027, 1, 1)),
    ("it", D1, "La posizione è congelata; tra qualche mese ne sapremo di più.", date(2025, 6, 10)),
    (
        "it",
        D2,
        "A causa di una riorganizzazione, tutto è fermo fino alla fine dell'anno.",
        date(2025, 12, 31),
    ),
    # Portuguese
    (
        "pt",
        D1,
        "Obrigado pela entrevista de 6 de março. A vaga está em pausa até ao final de maio.",
        date(2025, 5, 31),
    ),
    (
        "pt",
        D1,
        "Temos as contratações congeladas; esperamos reabrir a vaga no terceiro trimestre.",
        date(2025, 7, 1),
    ),
    ("pt", D2, "Adiámos a decisão e daremos uma resposta até 16 de outubro.", date(2025, 10, 16)),
    (
        "pt",
        D2,
        "Foi a nossa segunda opção por muito pouco. Em duas semanas saberemos se algo mudar.",
        date(2025, 10, 6),
    ),
    (
        "pt",
        D3,
        "O orçamento será aprovado na primavera; volte a escrever-nos nessa altura.",
        date(2026, 3, 1),
    ),
    (
        "pt",
        D3,
        "Neste momento estamos sem necessidade, mas em meados de março teremos mais clareza.",
        date(2026, 3, 15),
    ),
    ("pt", D4, "A vaga está congelada. Voltamos a falar depois do verão.", date(2026, 9, 1)),
    ("pt", D4, "Pretendemos reabrir a vaga no próximo ano.", date(2027, 1, 1)),
    ("pt", D1, "A vaga está suspensa; daqui a alguns meses saberemos mais.", date(2025, 6, 10)),
    (
        "pt",
        D2,
        "Devido a uma reestruturação, está tudo parado até ao fim do ano.",
        date(2025, 12, 31),
    ),
]
CASES: list[Case] = [(lang, sent, text, *_w(day)) for lang, sent, text, day in _ROWS]
