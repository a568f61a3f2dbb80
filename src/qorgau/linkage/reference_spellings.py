"""Reference spellings of real Kazakh and Russian names, across scripts and systems.

Two parts, both written independently of the canonicaliser's tables:

* Curated groups: each group is one name as police (Russian Cyrillic), social services (Kazakh
  Cyrillic), a passport (ICAO 9303 or the older rules), an NGO (informal Latin) and a
  transliteration standard (GOST 7.79 / ISO 9, BGN/PCGN, Kazakh Latin 2017 / 2018 / 2021) would
  write it; distinct pairs that must stay apart; and lists of common given names and surnames.
* Reference transliterations (ICAO 9303, BGN/PCGN as informal writers use it, Kazakh Latin 2021)
  to generate each system's spelling of a Cyrillic name.

The canonicaliser's tests measure against these lists, and the benchmark in bench/linkage/
builds its synthetic children from them (moved here from tests/ so it can).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class NameGroup:
    kind: Literal["given", "surname"]
    spellings: tuple[str, ...]


def _given(*spellings: str) -> NameGroup:
    return NameGroup("given", spellings)


def _surname(*spellings: str) -> NameGroup:
    return NameGroup("surname", spellings)


GROUPS: tuple[NameGroup, ...] = (
    # --- surnames: Kazakh Cyrillic, Russian Cyrillic, ICAO, BGN, informal, ISO 9 / Kazakh Latin
    _surname(
        "Жұмабаев",
        "Жумабаев",
        "ZHUMABAEV",
        "Zhumabayev",
        "Jumabaev",
        "Jūmabaev",
        "Žumabaev",
        "Zhumabaiev",
    ),
    _surname("Щербаков", "SHCHERBAKOV", "Shcherbakov", "Ščerbakov", "Shherbakov", "Ŝerbakov"),
    _surname("Цой", "TSOI", "Tsoy", "Coj", "Tsoi"),
    _surname("Жанбулатов", "Жанбулат", "ZHANBULATOV", "Zhanbulatov", "Janbulatov", "Žanbulatov"),
    _surname("Сүлейменов", "Сулейменов", "SULEIMENOV", "Suleymenov", "Süleimenov", "Sulejmenov"),
    _surname("Құнанбаев", "Кунанбаев", "KUNANBAEV", "Kunanbayev", "Qunanbaev", "Qūnanbaev"),
    _surname(
        "Әбілқасымов",
        "Абилкасымов",
        "ABILKASYMOV",
        "Abilkasymov",
        "Äbilqasymov",
        "Abylkasymov",
    ),
    _surname("Ахметов", "AKHMETOV", "Akhmetov", "Ahmetov", "Axmetov"),
    _surname("Кузнецов", "KUZNETSOV", "Kuznetsov", "Kuznecov"),
    _surname("Хасенов", "KHASENOV", "Khasenov", "Hasenov", "Xasenov"),
    _surname("Тоқаев", "Токаев", "TOKAEV", "Tokayev", "Toqaev", "Toqaiev"),
    _surname("Назарбаева", "NAZARBAEVA", "Nazarbayeva", "Nazarbaeva", "Nazarbaieva"),
    _surname("Чернышёв", "Чернышев", "CHERNYSHEV", "Černyšëv", "Chernyshev", "Tschernyschew"),
    _surname("Ильясов", "ILIASOV", "Ilyasov", "Il'yasov", "Iliasov", "Il'âsov"),
    _surname("Вишневская", "VISHNEVSKAIA", "Vishnevskaya", "Višnevskaja", "Vishnevskaia"),
    _surname("Троцкий", "TROTSKII", "Trotsky", "Trotskiy", "Trockij"),
    _surname("Сәрсенбаев", "Сарсенбаев", "SARSENBAEV", "Sarsenbayev", "Särsenbaev", "Sársenbaev"),
    _surname("Оразов", "Оразова", "ORAZOV", "Orazov", "Orazova"),
    _surname("Дүйсенов", "Дуйсенов", "DUISENOV", "Duysenov", "Düisenov", "Dúısenov"),
    _surname("Шәріпов", "Шарипов", "SHARIPOV", "Sharipov", "Şäripov", "S'a'ripov", "Šaripov"),
    _surname("Әбішұлы", "Абишев", "ABISHEV", "Abishuly", "Äbişūly"),
    # --- given names
    _given("Юлия", "IULIIA", "YULIYA", "Yuliya", "Ûliâ", "Julia", "Yulia", "Iuliia"),
    _given("Қайрат", "Кайрат", "KAIRAT", "Kairat", "Qairat", "Qaırat", "Kayrat", "Qayrat"),
    _given("Нұрсұлтан", "Нурсултан", "NURSULTAN", "Nursultan", "Nūrsūltan"),
    _given("Әсел", "Асель", "ASSEL", "Assel", "Äsel", "Asel", "Ásel", "A'sel"),
    _given("Ғалым", "Галым", "GALYM", "Galym", "Ğalym", "Ghalym", "G'alym", "Ǵalym"),
    _given("Өмірзақ", "Омирзак", "OMIRZAK", "Omirzak", "Ömirzaq", "Ómirzaq", "O'mirzaq"),
    _given("Шынар", "SHYNAR", "Shynar", "Şynar", "S'ynar", "Shinar"),
    _given("Хадиша", "KHADISHA", "Khadisha", "Hadisha", "Xadisha", "Hadişa"),
    _given("Айгерім", "Айгерим", "AIGERIM", "Aigerim", "Aygerim", "Aıgerim", "Ajgerim"),
    _given("Ерлан", "YERLAN", "Yerlan", "Erlan", "Ierlan", "Jerlan"),
    _given("Евгений", "EVGENII", "Yevgeniy", "Evgenii", "Evgeniy", "Jevgenij", "Yevgeny"),
    _given("Алексей", "ALEKSEI", "Aleksey", "Alexey", "Alexei", "Aleksej"),
    _given("Наталья", "NATALIA", "Natalya", "Natal'ya", "Natalja", "Natal'â", "Natalia"),
    _given("Бауыржан", "BAUYRZHAN", "Bauyrzhan", "Baýyrjan", "Bauyrjan", "Bauirzhan"),
    _given("Жансая", "ZHANSAIA", "Zhansaya", "Jansaya", "Zhansaia", "Jansaıa"),
    _given("Шыңғыс", "Шынгыс", "SHYNGYS", "Shyngys", "Shynggys", "Şyñğys"),
    _given("Дәулет", "Даулет", "DAULET", "Daulet", "Däulet", "Dáýlet"),
    _given("Гүлнар", "Гульнар", "GULNAR", "Gulnar", "Gülnar", "Gul'nar", "Gúlnar"),
    _given("Ақбота", "Акбота", "AKBOTA", "Akbota", "Aqbota"),
    _given("Мәдина", "Мадина", "MADINA", "Madina", "Mädina", "Mádına"),
    _given("Іңкәр", "Инкар", "INKAR", "Inkar", "Ińkár", "Iñkär", "Ingkar"),
    _given("Дмитрий", "DMITRII", "Dmitriy", "Dmitry", "Dmitrij", "Dmitri"),
    _given("Ксения", "KSENIIA", "Kseniya", "Ksenia", "Xenia", "Kseniâ"),
    _given("Вячеслав", "VIACHESLAV", "Vyacheslav", "Vjačeslav", "Viacheslav", "Wjatscheslaw"),
    _given("Джамиля", "DZHAMILIA", "Dzhamilya", "Djamilya", "Jamilya", "Džamilja"),
    _given("Сәуле", "Сауле", "SAULE", "Saule", "Säule", "Sáýle"),
    _given("Нұрлан", "Нурлан", "NURLAN", "Nurlan", "Nūrlan"),
    _given("Қуаныш", "Куаныш", "KUANYSH", "Kuanysh", "Quanysh", "Quanyş", "Qýanysh"),
    _given("Ұлжан", "Улжан", "ULZHAN", "Ulzhan", "Uljan", "Ūljan"),
    _given("Фёдор", "Федор", "FEDOR", "Fyodor", "Fedor", "Fëdor", "Fjodor"),
    _given("Ярослав", "IAROSLAV", "Yaroslav", "Jaroslav", "Âroslav"),
    _given("Людмила", "LIUDMILA", "Lyudmila", "Ludmila", "Ljudmila", "Lûdmila"),
    _given("Ержан", "YERZHAN", "Yerzhan", "Erzhan", "Erjan", "Ierzhan"),
    _given("Асхат", "ASKHAT", "Askhat", "Asxat", "Ashat"),
    _given("Данияр", "DANIIAR", "Daniyar", "Daniar", "Danijar", "Danııar"),
    _given("Әлихан", "Алихан", "ALIKHAN", "Alikhan", "Älihan", "Alixan", "Álıhan"),
    _given("Мұхтар", "Мухтар", "MUKHTAR", "Mukhtar", "Muhtar", "Mūhtar", "Muxtar"),
    _given("Тоғжан", "Тогжан", "TOGZHAN", "Togzhan", "Toğjan", "Tog'jan", "Toghzhan"),
    _given("Чингиз", "CHINGIZ", "Chingiz", "Čingiz", "Çingiz", "C'ingiz"),
    _given("Ілияс", "Ильяс", "ILIAS", "Ilyas", "Iliyas", "İlyas", "Il'jas"),
    _given("Мейрамгүл", "Мейрамгуль", "MEIRAMGUL", "Meyramgul", "Meıramgúl", "Meiramgül"),
)

# Different names that must never share a key (each also in one Latin spelling).
DISTINCT_PAIRS: tuple[tuple[str, str], ...] = (
    ("Алия", "Алина"), ("Aliya", "Alina"),
    ("Марат", "Мурат"), ("Marat", "Murat"),
    ("Асель", "Асем"), ("Assel", "Asem"),
    ("Дина", "Диана"), ("Dina", "Diana"),
    ("Ерлан", "Еркин"), ("Yerlan", "Yerkin"),
    ("Сауле", "Салтанат"),
    ("Айгерим", "Айгуль"),
    ("Нурлан", "Нурбол"),
    ("Данияр", "Даниял"),
    ("Арман", "Арсен"),
    ("Азамат", "Азат"),
    ("Айдар", "Айдос"),
    ("Ерлан", "Ержан"), ("Erlan", "Erzhan"),
    ("Бекзат", "Бекжан"),
    ("Гульнара", "Гульмира"),
    ("Жанар", "Жанат"),
    ("Жанна", "Жанара"),
    ("Карина", "Марина"),
    ("Ислам", "Ильяс"),
    ("Максат", "Максим"),
    ("Нурсултан", "Нурлан"),
    ("Самат", "Санат"),
    ("Серик", "Берик"),
    ("Айбек", "Айбол"),
    ("Дарья", "Дарина"),
    ("Олжас", "Олжабай"),
    ("Канат", "Кайрат"), ("Kanat", "Qairat"),
    ("Марлен", "Марсель"),
    ("Арай", "Арайлым"),
    ("Амир", "Амина"),
    ("Кирилл", "Кира"),
    ("Ирина", "Инна"),
    ("Алихан", "Алишер"),
    ("Бахыт", "Бахтияр"),
    ("Юлия", "Юлиана"),
    ("Яна", "Анна"), ("Yana", "Anna"),
    ("Шынар", "Шолпан"),
    ("Жумабаев", "Жанбулатов"),
    ("Цой", "Ким"),
    ("Ахметов", "Ахмедов"),
    ("Сергей", "Семён"),
    ("Мадина", "Малика"),
)  # fmt: skip


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Common distinct names, one spelling each (Kazakh names in Kazakh Cyrillic): the larger set on
# which the false-collision rate is measured, after generating each system's spelling.
COMMON_GIVEN_NAMES = _words(
    """
    Абай Абылай Әділет Айбек Айбол Айдар Айдос Ақжол Алмас Алтынбек Амангелді Арман Арсен Асқар
    Асхат Асылбек Ахмет Әлихан Әлішер Бағдат Бақыт Бауыржан Бейбарыс Бекжан Бекзат Берік Дамир
    Данияр Дәулет Ерасыл Ербол Ерболат Ержан Еркебұлан Еркін Ерлан Ермек Ернар Жандос Жанболат
    Жасұлан Ілияс Ислам Қайрат Қанат Қуаныш Құрманғазы Мағжан Мақсат Марат Мұрат Мұхтар Нұрбол
    Нұржан Нұрлан Нұрсұлтан Олжас Орынбасар Рауан Ринат Руслан Самат Санжар Серік Сұлтан Талғат
    Тимур Төлеген Ұлан Шыңғыс Айгерім Айгүл Айжан Айсұлу Ақбота Ақмарал Аружан Арайлым Әсел Әсем
    Әлия Гүлмира Гүлнар Дана Диана Дина Жанар Жансая Жұлдыз Зарина Іңкәр Камила Қарлығаш Лаура
    Мәдина Меруерт Назерке Нұргүл Сабина Салтанат Сәуле Томирис Ұлжан Шынар Шолпан Динара Балжан
    Баян Гауһар Жібек Күнсұлу Мөлдір Перизат Райхан Толғанай Үміт Хадиша Александр Алексей
    Анастасия Андрей Анна Артём Валентина Виктор Виктория Владимир Галина Дарья Денис Дмитрий
    Евгений Екатерина Елена Иван Игорь Ирина Кирилл Ксения Людмила Максим Марина Мария Михаил
    Наталья Никита Николай Ольга Павел Полина Роман Светлана Сергей Софья Татьяна Юлия Юрий
    Ярослав Вячеслав Фёдор Пётр Егор Илья Константин Олег Вера Надежда Любовь Алина Карина
    Кристина Валерия Вероника Елизавета Василий Григорий Станислав Эльвира Эмиль Яна Юсуп
    """
)
COMMON_SURNAMES = _words(
    """
    Абдрахманов Ахметов Әбенов Байжанов Бекмұханбетов Бердібеков Досмұхамедов Ерғалиев Есенов
    Жақсыбеков Жұмабаев Жанбулатов Исаев Қасымов Кенжебаев Қожахметов Мамыров Мусин Нұрғалиев
    Оспанов Оразов Рахимов Сағынтаев Сәрсенбаев Сейітов Сүлейменов Тоқаев Төлеубаев Тұрсынов
    Хасенов Шәріпов Ыбыраев Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов
    Новиков Фёдоров Морозов Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов
    Николаев Орлов Андреев Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев
    Романов Воробьёв Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин
    Максимов Поляков Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов
    Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков
    Миронов Крылов Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов Казаков Афанасьев
    Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров
    Калинин Чернышёв Быков Маслов Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв
    Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников Трофимов Леонов Соболев
    Ермаков Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин Ефремов Архипов Громов
    Кириллов Малышев Панов Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов Ерёмин
    Тихомиров Галкин Лукьянов Михеев Скворцов Юдин Белоусов Нестеров Симонов Прокофьев Харитонов
    Князев Цветков Левин Воронцов Аксёнов Мальцев Логинов Горшков Савин Краснов Майоров Демидов
    Елисеев Рыбаков Сафонов Плотников Дёмин Хохлов Жданов Цой Ким Пак Ли Вишневский Троцкий
    """
)


# --- Reference transliterations ------------------------------------------------------------

_ICAO = {
    # ICAO Doc 9303 part 3 for Russian; Kazakh passports drop the Kazakh diacritics.
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
}  # fmt: skip
# BGN/PCGN as informal writers use it: ye- after vowels, y for й and ы, Kazakh gh/q/ng.
_BGN = {
    **_ICAO, "ё": "yo", "й": "y", "ю": "yu", "я": "ya", "ъ": "", "ь": "'",
    "ғ": "gh", "қ": "q", "ң": "ng", "ө": "ö", "ұ": "ū", "ү": "ü", "ә": "ä",
}  # fmt: skip
# Kazakh Latin, 2021 version.
_KAZAKH_2021 = {
    **_ICAO, "ә": "ä", "ғ": "ğ", "қ": "q", "ң": "ñ", "ө": "ö", "ұ": "ū", "ү": "ü", "һ": "h",
    "і": "i", "ж": "j", "ш": "ş", "щ": "ş", "ч": "ç", "х": "h", "ы": "y", "ц": "ts",
    "ъ": "", "ь": "", "ё": "io",
}  # fmt: skip


def _apply(table: dict[str, str], name: str) -> str:
    out = []
    for i, char in enumerate(name.lower()):
        latin = table[char]
        if table is _BGN and char == "е" and (i == 0 or name.lower()[i - 1] in "аеёиоуыэюяәөұүіъь"):
            latin = "ye"
        out.append(latin)
    return "".join(out)


def icao(name: str) -> str:
    return _apply(_ICAO, name).upper()


def bgn(name: str) -> str:
    return _apply(_BGN, name).capitalize()


def kazakh_2021(name: str) -> str:
    return _apply(_KAZAKH_2021, name).capitalize()


SYSTEMS = (icao, bgn, kazakh_2021)
