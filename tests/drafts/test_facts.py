"""Facts: every fact kind and every time form, table by table, in each of the 13 languages."""

from __future__ import annotations

from datetime import date

import pytest

from drafts.facts import read_facts
from drafts.timing import find_times

SENT = date(2026, 3, 10)  # a Tuesday; every date below is read against it, never today

# language -> form -> phrase; the expected day of each form is in EXPECTED
TIMES: dict[str, dict[str, str]] = {
    "en": {
        "date": "on 15 July",
        "end": "by the end of May",
        "mid": "in mid-May",
        "quarter": "in Q3",
        "season": "in the summer",
        "after_season": "after the summer",
        "couple": "in a couple of weeks",
        "days": "within 60 days",
        "weekday": "by Friday",
        "next_year": "early next year",
    },
    "de": {
        "date": "am 15. Juli",
        "end": "bis Ende Mai",
        "mid": "Mitte Mai",
        "quarter": "im dritten Quartal",
        "season": "im Sommer",
        "after_season": "nach dem Sommer",
        "couple": "in ein paar Wochen",
        "days": "innerhalb von 60 Tagen",
        "weekday": "bis Freitag",
        "next_year": "Anfang nächsten Jahres",
    },
    "fr": {
        "date": "le 15 juillet",
        "end": "d'ici fin mai",
        "mid": "à la mi-mai",
        "quarter": "au troisième trimestre",
        "season": "cet été",
        "after_season": "après l'été",
        "couple": "dans une quinzaine de jours",
        "days": "sous 60 jours",
        "weekday": "d'ici vendredi",
        "next_year": "début de l'année prochaine",
    },
    "es": {
        "date": "el 15 de julio",
        "end": "a finales de mayo",
        "mid": "a mediados de mayo",
        "quarter": "en el tercer trimestre",
        "season": "en verano",
        "after_season": "después del verano",
        "couple": "en un par de semanas",
        "days": "en 60 días",
        "weekday": "antes del viernes",
        "next_year": "a principios del próximo año",
    },
    "nl": {
        "date": "op 15 juli",
        "end": "eind mei",
        "mid": "half mei",
        "quarter": "in het derde kwartaal",
        "season": "in de zomer",
        "after_season": "na de zomer",
        "couple": "over een paar weken",
        "days": "binnen 60 dagen",
        "weekday": "uiterlijk vrijdag",
        "next_year": "begin volgend jaar",
    },
    "it": {
        "date": "il 15 luglio",
        "end": "entro fine maggio",
        "mid": "a metà maggio",
        "quarter": "nel terzo trimestre",
        "season": "in estate",
        "after_season": "dopo l'estate",
        "couple": "tra un paio di settimane",
        "days": "entro 60 giorni",
        "weekday": "entro venerdì",
        "next_year": "all'inizio del prossimo anno",
    },
    "pt": {
        "date": "a 15 de julho",
        "end": "até ao final de maio",
        "mid": "em meados de maio",
        "quarter": "no terceiro trimestre",
        "season": "no verão",
        "after_season": "depois do verão",
        "couple": "dentro de duas semanas",
        "days": "em 60 dias",
        "weekday": "até sexta-feira",
        "next_year": "no início do próximo ano",
    },
    "sv": {
        "date": "den 15 juli",
        "end": "i slutet av maj",
        "mid": "i mitten av maj",
        "quarter": "under tredje kvartalet",
        "season": "i sommar",
        "after_season": "efter sommaren",
        "couple": "om ett par veckor",
        "days": "inom 60 dagar",
        "weekday": "senast fredag",
        "next_year": "i början av nästa år",
    },
    "pl": {
        "date": "15 lipca",
        "end": "pod koniec maja",
        "mid": "w połowie maja",
        "quarter": "w trzecim kwartale",
        "season": "latem",
        "after_season": "po lecie",
        "couple": "za dwa tygodnie",
        "days": "w ciągu 60 dni",
        "weekday": "do piątku",
        "next_year": "na początku przyszłego roku",
    },
    "da": {
        "date": "den 15. juli",
        "end": "i slutningen af maj",
        "mid": "midt i maj",
        "quarter": "i tredje kvartal",
        "season": "til sommer",
        "after_season": "efter sommeren",
        "couple": "om et par uger",
        "days": "inden for 60 dage",
        "weekday": "senest fredag",
        "next_year": "i starten af næste år",
    },
    "no": {
        "date": "den 15. juli",
        "end": "i slutten av mai",
        "mid": "i midten av mai",
        "quarter": "i tredje kvartal",
        "season": "til sommeren",
        "after_season": "etter sommeren",
        "couple": "om et par uker",
        "days": "innen 60 dager",
        "weekday": "innen fredag",
        "next_year": "i starten av neste år",
    },
    "fi": {
        "date": "15. heinäkuuta",
        "end": "toukokuun lopussa",
        "mid": "toukokuun puolivälissä",
        "quarter": "kolmannella neljänneksellä",
        "season": "kesällä",
        "after_season": "kesän jälkeen",
        "couple": "parin viikon päästä",
        "days": "60 päivän kuluessa",
        "weekday": "perjantaihin mennessä",
        "next_year": "ensi vuoden alussa",
    },
    "cs": {
        "date": "15. července",
        "end": "koncem května",
        "mid": "v polovině května",
        "quarter": "ve třetím čtvrtletí",
        "season": "v létě",
        "after_season": "po létě",
        "couple": "za dva týdny",
        "days": "do 60 dnů",
        "weekday": "do pátku",
        "next_year": "začátkem příštího roku",
    },
}
EXPECTED = {
    "date": date(2026, 7, 15),
    "end": date(2026, 5, 31),
    "mid": date(2026, 5, 15),
    "quarter": date(2026, 7, 1),
    "season": date(2026, 6, 1),
    "after_season": date(2026, 9, 1),
    "couple": date(2026, 3, 24),
    "days": date(2026, 5, 9),
    "weekday": date(2026, 3, 13),
    "next_year": date(2027, 1, 1),
}


@pytest.mark.parametrize(
    ("language", "form"), [(lang, form) for lang, forms in TIMES.items() for form in forms]
)
def test_each_time_form_is_read_against_the_mail_date(language: str, form: str) -> None:
    phrase = TIMES[language][form]
    found = find_times(f"x {phrase} x", language, SENT)
    assert [t.point for t in found] == [EXPECTED[form]], phrase


def test_a_day_recalled_from_the_past_is_not_a_future_date() -> None:
    facts = read_facts("Thanks for the interview on 4 March. Let's talk again in Q3.", "en", SENT)
    assert facts.checkin == date(2026, 7, 6)


def test_dates_follow_the_mail_not_today() -> None:
    old = read_facts("Let's reconnect in Q3.", "en", date(2025, 1, 20))
    assert old.checkin == date(2025, 7, 4)


# language -> fact -> (sentence, expected); "stage" and "offers" name their value, the dates are days
FACTS: dict[str, dict[str, tuple[str, object]]] = {
    "en": {
        "final": ("Thank you for coming to the final round interview.", "final"),
        "interviews": ("Thank you for the interviews with the team.", "interviews"),
        "reason": ("We went with a candidate with more experience in payments.", True),
        "introduction": (
            "I would be happy to introduce you to a colleague at Initech.",
            "introduction",
        ),
        "call": ("I'm happy to jump on a call to discuss feedback.", "call"),
        "talent_pool": ("We would like to add you to our talent pool.", "talent_pool"),
        "keep_cv": ("We will keep your CV on file for 12 months.", 12),
        "other_role": ("We have another role as 'Data Analyst' that may suit you.", "Data Analyst"),
        "question": ("Could you start on 1 June?", 1),
        "deadline": ("Please let us know by 20 March.", date(2026, 3, 20)),
        "start": ("The start date would be 1 May.", date(2026, 5, 1)),
        "terms": ("The base salary is €65,000 with a 10% bonus.", 1),
        "promised": ("We will let you know by 15 April.", date(2026, 4, 15)),
    },
    "de": {
        "final": ("Danke für das Gespräch in der letzten Runde.", "final"),
        "interviews": ("Vielen Dank für die Gespräche mit dem Team.", "interviews"),
        "reason": (
            "Wir haben uns für eine Person mit mehr Erfahrung im Zahlungsverkehr entschieden.",
            True,
        ),
        "introduction": (
            "Gern stelle ich Sie einer Kollegin bei Initech vor und kann Sie vorstellen.",
            "introduction",
        ),
        "call": ("Gerne biete ich Ihnen ein kurzes Feedbackgespräch an.", "call"),
        "talent_pool": ("Wir würden Sie gern in unseren Talentpool aufnehmen.", "talent_pool"),
        "keep_cv": ("Ihre Unterlagen würden wir gern für 12 Monate aufbewahren.", 12),
        "other_role": ("Wir haben eine andere Stelle als „Datenanalyst“ offen.", "Datenanalyst"),
        "question": ("Könnten Sie am 1. Juni beginnen?", 1),
        "deadline": ("Bitte geben Sie uns bis zum 20. März Bescheid.", date(2026, 3, 20)),
        "start": ("Der Eintritt wäre zum 1. Mai.", date(2026, 5, 1)),
        "terms": ("Das Jahresgehalt beträgt 65.000 € brutto.", 1),
        "promised": ("Wir melden uns bis zum 15. April bei Ihnen.", date(2026, 4, 15)),
    },
    "fr": {
        "final": ("Merci d'être venue au dernier entretien.", "final"),
        "interviews": ("Merci pour les entretiens avec l'équipe.", "interviews"),
        "reason": ("Nous avons retenu un profil avec plus d'expérience en paiements.", True),
        "introduction": (
            "Je peux vous mettre en relation avec une collègue chez Initech.",
            "introduction",
        ),
        "call": ("Je suis disponible pour un appel afin d'en parler.", "call"),
        "talent_pool": ("Nous aimerions vous ajouter à notre vivier de talents.", "talent_pool"),
        "keep_cv": ("Nous conserverons votre CV pendant 12 mois.", 12),
        "other_role": (
            "Un autre poste de « Data Analyst » pourrait vous intéresser.",
            "Data Analyst",
        ),
        "question": ("Pourriez-vous commencer le 1er juin ?", 1),
        "deadline": ("Merci de nous répondre avant le 20 mars.", date(2026, 3, 20)),
        "start": ("La prise de poste serait le 1er mai.", date(2026, 5, 1)),
        "terms": ("Le salaire annuel est de 55 000 € brut.", 1),
        "promised": ("Nous reviendrons vers vous d'ici le 15 avril.", date(2026, 4, 15)),
    },
    "es": {
        "final": ("Gracias por participar en la última entrevista.", "final"),
        "interviews": ("Gracias por las entrevistas con el equipo.", "interviews"),
        "reason": ("Elegimos a una persona con más experiencia en pagos.", True),
        "introduction": ("Puedo presentarte a una compañera de Initech.", "introduction"),
        "call": ("Te propongo una llamada para comentar el feedback.", "call"),
        "talent_pool": ("Nos gustaría incluirte en nuestra bolsa de talento.", "talent_pool"),
        "keep_cv": ("Conservaremos tu CV durante 12 meses.", 12),
        "other_role": ("Tenemos otro puesto de «Data Analyst» que podría encajar.", "Data Analyst"),
        "question": ("¿Podrías empezar el 1 de junio?", 1),
        "deadline": ("Por favor, danos una respuesta antes del 20 de marzo.", date(2026, 3, 20)),
        "start": ("La fecha de incorporación sería el 1 de mayo.", date(2026, 5, 1)),
        "terms": ("El salario es de 45.000 € brutos anuales.", 1),
        "promised": (
            "Te daremos una respuesta antes del 15 de abril, con nuestra decisión.",
            date(2026, 4, 15),
        ),
    },
    "nl": {
        "final": ("Bedankt voor het laatste gesprek.", "final"),
        "interviews": ("Bedankt voor de gesprekken met het team.", "interviews"),
        "reason": ("We kozen iemand met meer ervaring in betalingen.", True),
        "introduction": (
            "Ik wil je graag voorstellen aan een collega bij Initech.",
            "introduction",
        ),
        "call": (
            "Ik plan graag een belletje om de feedback toe te lichten, even bellen dus.",
            "call",
        ),
        "talent_pool": ("We voegen je graag toe aan onze talentpool.", "talent_pool"),
        "keep_cv": ("We bewaren je cv 12 maanden.", 12),
        "other_role": ("Er is een andere functie als 'Data Analyst' open.", "Data Analyst"),
        "question": ("Zou je op 1 juni kunnen beginnen?", 1),
        "deadline": ("Laat het ons uiterlijk 20 maart weten.", date(2026, 3, 20)),
        "start": ("De startdatum is 1 mei.", date(2026, 5, 1)),
        "terms": ("Het salaris is € 4.500 per maand.", 1),
        "promised": ("We laten je uiterlijk 15 april onze beslissing weten.", date(2026, 4, 15)),
    },
    "it": {
        "final": ("Grazie per il colloquio finale.", "final"),
        "interviews": ("Grazie per i colloqui con il team.", "interviews"),
        "reason": ("Abbiamo scelto una persona con maggiore esperienza nei pagamenti.", True),
        "introduction": ("Posso metterti in contatto con una collega di Initech.", "introduction"),
        "call": ("Ti propongo una breve chiamata per il feedback.", "call"),
        "talent_pool": ("Vorremmo inserirti nel nostro talent pool.", "talent_pool"),
        "keep_cv": ("Conserveremo il tuo CV per 12 mesi.", 12),
        "other_role": ("Abbiamo un altro ruolo come 'Data Analyst' aperto.", "Data Analyst"),
        "question": ("Potresti iniziare il 1 giugno?", 1),
        "deadline": ("Ti chiediamo una risposta entro il 20 marzo.", date(2026, 3, 20)),
        "start": ("La data di inizio sarebbe il 1 maggio.", date(2026, 5, 1)),
        "terms": ("La retribuzione annua lorda è di 42.000 €.", 1),
        "promised": ("Ti faremo sapere entro il 15 aprile.", date(2026, 4, 15)),
    },
    "pt": {
        "final": ("Obrigado pela entrevista final.", "final"),
        "interviews": ("Obrigado pelas entrevistas com a equipa.", "interviews"),
        "reason": ("Escolhemos uma pessoa com mais experiência em pagamentos.", True),
        "introduction": ("Posso apresentá-la a uma colega da Initech.", "introduction"),
        "call": ("Proponho uma breve chamada para dar feedback.", "call"),
        "talent_pool": ("Gostaríamos de a incluir no nosso banco de talentos.", "talent_pool"),
        "keep_cv": ("Vamos guardar o seu CV durante 12 meses.", 12),
        "other_role": ("Temos outra vaga de 'Data Analyst' aberta.", "Data Analyst"),
        "question": ("Poderia começar a 1 de junho?", 1),
        "deadline": ("Pedimos uma resposta até 20 de março.", date(2026, 3, 20)),
        "start": ("A data de início seria 1 de maio.", date(2026, 5, 1)),
        "terms": ("O salário anual é de 38.000 € brutos.", 1),
        "promised": ("Daremos uma resposta até 15 de abril.", date(2026, 4, 15)),
    },
    "sv": {
        "final": ("Tack för den sista intervjun.", "final"),
        "interviews": ("Tack för intervjuerna med teamet.", "interviews"),
        "reason": ("Vi valde en kandidat med mer erfarenhet av betalningar.", True),
        "introduction": ("Jag kan gärna presentera dig för en kollega på Initech.", "introduction"),
        "call": ("Jag tar gärna ett kort samtal om återkopplingen.", "call"),
        "talent_pool": ("Vi vill gärna lägga till dig i vår talangpool.", "talent_pool"),
        "keep_cv": ("Vi sparar ditt cv i 12 månader.", 12),
        "other_role": ("Vi har en annan roll som 'Data Analyst' öppen.", "Data Analyst"),
        "question": ("Kan du börja den 1 juni?", 1),
        "deadline": ("Ge oss besked senast den 20 mars.", date(2026, 3, 20)),
        "start": ("Tillträde sker den 1 maj.", date(2026, 5, 1)),
        "terms": ("Månadslönen är 52 000 kr.", 1),
        "promised": ("Vi återkommer senast den 15 april.", date(2026, 4, 15)),
    },
    "pl": {
        "final": ("Dziękujemy za udział w ostatnim etapie.", "final"),
        "interviews": ("Dziękujemy za rozmowy z zespołem.", "interviews"),
        "reason": ("Wybraliśmy osobę, która ma więcej doświadczenia w płatnościach.", True),
        "introduction": ("Chętnie mogę przedstawić cię koleżance z Initech.", "introduction"),
        "call": ("Proponuję krótką rozmowę telefoniczną na temat feedbacku.", "call"),
        "talent_pool": ("Chcielibyśmy zachować twoje dane w bazie kandydatów.", "talent_pool"),
        "keep_cv": ("Przechowamy twoje CV przez 12 miesięcy.", 12),
        "other_role": (
            "Mamy inne stanowisko 'Data Analyst', które może cię zainteresować.",
            "Data Analyst",
        ),
        "question": ("Czy możesz zacząć 1 czerwca?", 1),
        "deadline": ("Prosimy o odpowiedź do 20 marca.", date(2026, 3, 20)),
        "start": ("Data rozpoczęcia pracy to 1 maja.", date(2026, 5, 1)),
        "terms": ("Wynagrodzenie wynosi 15 000 zł brutto.", 1),
        "promised": ("Odezwiemy się do 15 kwietnia.", date(2026, 4, 15)),
    },
    "da": {
        "final": ("Tak for den sidste samtale.", "final"),
        "interviews": ("Tak for samtalerne med teamet.", "interviews"),
        "reason": ("Vi valgte en kandidat med mere erfaring med betalinger.", True),
        "introduction": (
            "Jeg vil gerne sætte dig i kontakt med en kollega hos Initech.",
            "introduction",
        ),
        "call": ("Jeg tager gerne et kort opkald om feedbacken.", "call"),
        "talent_pool": ("Vi vil gerne have dig med i vores talentpulje.", "talent_pool"),
        "keep_cv": ("Vi gemmer dit CV i 12 måneder.", 12),
        "other_role": ("Vi har en anden stilling som 'Data Analyst' åben.", "Data Analyst"),
        "question": ("Kan du starte den 1. juni?", 1),
        "deadline": ("Giv os svar senest den 20. marts.", date(2026, 3, 20)),
        "start": ("Tiltrædelse er den 1. maj.", date(2026, 5, 1)),
        "terms": ("Lønnen er 48.000 kr. om måneden.", 1),
        "promised": ("Vi vender tilbage senest den 15. april.", date(2026, 4, 15)),
    },
    "no": {
        "final": ("Takk for det siste intervjuet.", "final"),
        "interviews": ("Takk for intervjuene med teamet.", "interviews"),
        "reason": ("Vi valgte en kandidat med mer erfaring med betalinger.", True),
        "introduction": (
            "Jeg kan gjerne sette deg i kontakt med en kollega i Initech.",
            "introduction",
        ),
        "call": ("Jeg tar gjerne en kort samtale om tilbakemeldingen.", "call"),
        "talent_pool": ("Vi vil gjerne ha deg med i vår talentbank.", "talent_pool"),
        "keep_cv": ("Vi lagrer CV-en din i 12 måneder.", 12),
        "other_role": ("Vi har en annen stilling som 'Data Analyst' ledig.", "Data Analyst"),
        "question": ("Kan du begynne den 1. juni?", 1),
        "deadline": ("Gi oss svar senest den 20. mars.", date(2026, 3, 20)),
        "start": ("Oppstart er den 1. mai.", date(2026, 5, 1)),
        "terms": ("Årslønnen er 750 000 kr.", 1),
        "promised": ("Vi gir deg svar innen den 15. april.", date(2026, 4, 15)),
    },
    "fi": {
        "final": ("Kiitos viimeisestä haastattelusta, viimeinen haastattelu oli antoisa.", "final"),
        "interviews": ("Kiitos haastatteluista tiimin kanssa.", "interviews"),
        "reason": ("Valitsimme henkilön, jolla on enemmän kokemusta maksuista.", True),
        "introduction": (
            "Voin mielelläni esitellä sinut kollegalleni Initechissä.",
            "introduction",
        ),
        "call": ("Voin soittaa sinulle ja kertoa palautteesta puhelu sopii.", "call"),
        "talent_pool": ("Haluaisimme lisätä sinut talenttipooliimme.", "talent_pool"),
        "keep_cv": ("Säilytämme hakemuksesi 12 kuukauden ajan.", 12),
        "other_role": (
            "Meillä on toinen tehtävä 'Data Analyst' avoinna, uuteen tehtävään.",
            "Data Analyst",
        ),
        "question": ("Voisitko aloittaa 1. kesäkuuta?", 1),
        "deadline": ("Kerrothan vastauksesi 20. maaliskuuta mennessä.", date(2026, 3, 20)),
        "start": ("Aloituspäivä olisi 1. toukokuuta.", date(2026, 5, 1)),
        "terms": ("Kuukausipalkka on 4 500 €.", 1),
        "promised": ("Ilmoitamme päätöksestä 15. huhtikuuta mennessä.", date(2026, 4, 15)),
    },
    "cs": {
        "final": ("Děkujeme za účast v posledním kole.", "final"),
        "interviews": ("Děkujeme za pohovory s týmem.", "interviews"),
        "reason": ("Vybrali jsme kandidáta, který má více zkušeností s platbami.", True),
        "introduction": ("Rád vás mohu propojit s kolegyní z Initechu.", "introduction"),
        "call": ("Mohu vám zavolat a zpětnou vazbu probrat, telefonát by byl krátký.", "call"),
        "talent_pool": ("Rádi bychom vás zařadili do naší databáze kandidátů.", "talent_pool"),
        "keep_cv": ("Váš životopis si ponecháme 12 měsíců, uchováme váš životopis.", 12),
        "other_role": (
            "Máme jinou pozici 'Data Analyst', která by vás mohla zajímat.",
            "Data Analyst",
        ),
        "question": ("Mohl byste nastoupit 1. června?", 1),
        "deadline": ("Dejte nám prosím odpověď do 20. března.", date(2026, 3, 20)),
        "start": ("Nástup by byl 1. května.", date(2026, 5, 1)),
        "terms": ("Mzda je 80 000 Kč měsíčně.", 1),
        "promised": ("Ozveme se vám do 15. dubna.", date(2026, 4, 15)),
    },
}


@pytest.mark.parametrize(
    ("language", "kind"), [(lang, kind) for lang, kinds in FACTS.items() for kind in kinds]
)
def test_each_fact_kind_is_read(language: str, kind: str) -> None:
    sentence, expected = FACTS[language][kind]
    facts = read_facts(sentence, language, SENT)
    got: object = {
        "final": facts.stage,
        "interviews": facts.stage,
        "reason": bool(facts.reason),
        "introduction": "introduction" if "introduction" in facts.offers else facts.offers,
        "call": "call" if "call" in facts.offers else facts.offers,
        "talent_pool": "talent_pool" if "talent_pool" in facts.offers else facts.offers,
        "keep_cv": facts.cv_months,
        "other_role": facts.other_role,
        "question": len(facts.questions),
        "deadline": facts.deadline,
        "start": facts.start_date,
        "terms": len(facts.terms),
        "promised": facts.promised,
    }[kind]
    assert got == expected, sentence


@pytest.mark.parametrize("language", list(FACTS))
def test_a_plain_thank_you_states_no_fact(language: str) -> None:
    facts = read_facts("Thanks, and best wishes.", language, SENT)
    assert (facts.reason, facts.offers, facts.questions, facts.checkin) == ("", (), (), None)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The role is on hold until Q3.", "paused"),
        (
            "You were a very close second; if anything changes you'll be the first to know.",
            "close_second",
        ),
        ("We will make a decision by 15 April.", "deferred"),
        ("Die Stelle ist derzeit auf Eis gelegt.", "paused"),
        ("Vous étiez notre deuxième choix.", "close_second"),
    ],
)
def test_not_now_subtype(text: str, kind: str) -> None:
    language = "de" if "Stelle" in text else "fr" if "choix" in text else "en"
    assert read_facts(text, language, SENT).not_now == kind


def test_a_promised_date_sets_the_checkin_right_after_it() -> None:
    facts = read_facts("We will let you know by Friday 13 March.", "en", SENT)
    assert facts.promised == date(2026, 3, 13) and facts.checkin == date(2026, 3, 17)
