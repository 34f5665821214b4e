"""Word lists and weighted tables for the synthetic creator generator (data/generator.py).

Plain data only: names by culture, cities, countries, per-niche topics/brands/audiences and text templates.
Names written "Roman|native" carry a native-script spelling that some profiles display.
"""

from __future__ import annotations

# --- names -------------------------------------------------------------------------------------------------------

NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "anglo": {
        "female": (
            "Sarah", "Emily", "Jessica", "Ashley", "Olivia", "Emma", "Ava", "Madison", "Hannah", "Chloe", "Grace",
            "Lauren", "Megan", "Rachel", "Brittany", "Kayla", "Taylor", "Morgan", "Jasmine", "Aaliyah", "Imani",
            "Destiny", "Brooke", "Natalie", "Abigail", "Charlotte", "Amelia", "Harper", "Lily", "Zoe", "Kelsey",
            "Samantha", "Jenna", "Courtney", "Paige", "Holly", "Sophie", "Freya", "Isla", "Poppy",
        ),
        "male": (
            "James", "Michael", "David", "Chris", "Matt", "Josh", "Ryan", "Tyler", "Brandon", "Jake", "Ethan",
            "Noah", "Liam", "Mason", "Logan", "Caleb", "Jordan", "Marcus", "Malik", "Jamal", "Andre", "Darius",
            "Trevor", "Connor", "Dylan", "Austin", "Kyle", "Zach", "Nick", "Ben", "Sam", "Alex", "Jack", "Harry",
            "Oliver", "George", "Callum", "Owen", "Luke", "Nate",
        ),
        "last": (
            "Johnson", "Smith", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
            "Thomas", "Moore", "Jackson", "White", "Harris", "Martin", "Thompson", "Robinson", "Clark", "Lewis",
            "Walker", "Hall", "Allen", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson",
            "Carter", "Mitchell", "Campbell", "Roberts", "Turner", "Phillips", "Parker", "Evans", "Edwards",
            "Collins", "Stewart", "Morris", "Reed", "Cook", "Bailey", "Bell", "Cooper", "Murphy", "Hughes",
            "Price", "Bennett", "Wood", "Brooks", "Sullivan", "Foster", "O'Brien", "Hayes", "Murray", "Walsh",
        ),
    },
    "hispanic": {
        "female": (
            "María", "Sofía", "Valentina", "Camila", "Isabella", "Ximena", "Lucía", "Daniela", "Mariana", "Gabriela",
            "Fernanda", "Andrea", "Paula", "Carmen", "Alejandra", "Natalia", "Renata", "Regina", "Victoria", "Elena",
            "Marta", "Alba", "Irene", "Nerea", "Valeria", "Jimena", "Adriana", "Paola", "Carolina", "Luisa",
        ),
        "male": (
            "José", "Mateo", "Santiago", "Diego", "Andrés", "Alejandro", "Sebastián", "Carlos", "Javier", "Luis",
            "Miguel", "Juan", "Daniel", "Emiliano", "Pablo", "Álvaro", "Sergio", "Adrián", "Jorge", "Iker",
            "Rodrigo", "Fernando", "Ricardo", "Eduardo", "Raúl", "Manuel", "Tomás", "Nicolás", "Joaquín", "Iván",
        ),
        "last": (
            "García", "Hernández", "López", "Martínez", "Rodríguez", "González", "Pérez", "Sánchez", "Ramírez",
            "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Cruz", "Morales", "Ortiz", "Gutiérrez", "Chávez", "Ruiz",
            "Álvarez", "Castillo", "Jiménez", "Vargas", "Romero", "Mendoza", "Herrera", "Medina", "Aguilar", "Núñez",
            "Peña", "Ibáñez", "Muñoz", "Navarro", "Delgado", "Castro", "Ortega", "Rubio", "Molina", "Reyes",
        ),
    },
    "brazilian": {
        "female": (
            "Ana", "Beatriz", "Júlia", "Larissa", "Gabriela", "Letícia", "Mariana", "Fernanda", "Camila", "Isabela",
            "Luana", "Bruna", "Amanda", "Carolina", "Rafaela", "Vitória", "Lívia", "Manuela", "Thaís", "Giovanna",
        ),
        "male": (
            "João", "Pedro", "Lucas", "Gabriel", "Rafael", "Thiago", "Felipe", "Matheus", "Caio", "Vinícius",
            "Gustavo", "Bruno", "Rodrigo", "Leonardo", "Enzo", "Davi", "André", "Marcelo", "Igor", "Henrique",
        ),
        "last": (
            "Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa", "Ferreira", "Rodrigues", "Almeida",
            "Carvalho", "Gonçalves", "Araújo", "Ribeiro", "Barbosa", "Rocha", "Martins", "Nascimento", "Moreira",
            "Cardoso", "Teixeira", "Correia", "Monteiro", "Mendes", "Freitas", "Azevedo", "Pinto", "Campos",
        ),
    },
    "indian": {
        "female": (
            "Priya", "Ananya", "Diya", "Kavya", "Sneha", "Pooja", "Riya", "Meera", "Isha", "Nisha", "Aditi",
            "Shreya", "Tanvi", "Neha", "Anjali", "Divya", "Aarohi", "Saanvi", "Kriti", "Radhika", "Simran", "Tara",
        ),
        "male": (
            "Arjun", "Rohan", "Aarav", "Vikram", "Rahul", "Karan", "Aditya", "Siddharth", "Nikhil", "Varun",
            "Ishaan", "Dev", "Aman", "Kabir", "Rishi", "Vivek", "Sameer", "Harsh", "Yash", "Manish", "Raj", "Ankit",
        ),
        "last": (
            "Sharma", "Patel", "Gupta", "Singh", "Kumar", "Reddy", "Iyer", "Nair", "Mehta", "Shah", "Desai",
            "Joshi", "Kapoor", "Malhotra", "Chopra", "Rao", "Banerjee", "Mukherjee", "Verma", "Agarwal", "Pillai",
            "Bhatt", "Chatterjee", "Menon", "Kulkarni", "Saxena", "Bose", "Khanna", "Sethi", "Trivedi",
        ),
    },
    "korean": {
        "female": (
            "Ji-woo|지우", "Seo-yeon|서연", "Min-ji|민지", "Ha-eun|하은", "Soo-ah|수아", "Yuna|유나", "Ji-min|지민",
            "Chae-won|채원", "Da-eun|다은", "Eun-ji|은지", "Su-bin|수빈", "Ye-jin|예진",
        ),
        "male": (
            "Min-jun|민준", "Seo-jun|서준", "Do-yun|도윤", "Ji-ho|지호", "Hyun-woo|현우", "Jae-won|재원",
            "Tae-yang|태양", "Joon-young|준영", "Sung-min|성민", "Woo-jin|우진", "Jun-ho|준호", "Dong-hyun|동현",
        ),
        "last": (
            "Kim|김", "Lee|이", "Park|박", "Choi|최", "Jung|정", "Kang|강", "Cho|조", "Yoon|윤", "Jang|장",
            "Lim|임", "Han|한", "Shin|신", "Seo|서", "Kwon|권", "Oh|오", "Song|송",
        ),
    },
    "east_asian_american": {
        "female": (
            "Grace", "Michelle", "Jennifer", "Christine", "Vivian", "Amy", "Jessica", "Emily", "Angela", "Cindy",
            "Stephanie", "Tiffany", "Joyce", "Karen", "Irene", "Cathy",
        ),
        "male": (
            "Daniel", "Kevin", "Brian", "Eric", "Andrew", "Jason", "Justin", "Steven", "Kenneth", "Tony", "Vincent",
            "Derek", "Calvin", "Henry", "Ryan", "Jeffrey",
        ),
        "last": (
            "Chen", "Wang", "Li", "Zhang", "Liu", "Huang", "Lin", "Wu", "Nguyen", "Tran", "Le", "Pham", "Kim",
            "Park", "Lee", "Tanaka", "Yamada", "Wong", "Chan", "Cheng", "Ho", "Yang", "Zhou", "Xu",
        ),
    },
    "arabic": {
        "female": (
            "Fatima|فاطمة", "Aisha|عائشة", "Layla|ليلى", "Noor|نور", "Mariam|مريم", "Yasmin|ياسمين", "Salma|سلمى",
            "Rania|رانيا", "Lina|لينا", "Amira|أميرة", "Zainab|زينب", "Huda|هدى",
        ),
        "male": (
            "Omar|عمر", "Ahmed|أحمد", "Youssef|يوسف", "Khalid|خالد", "Hassan|حسن", "Ali|علي", "Karim|كريم",
            "Tariq|طارق", "Faisal|فيصل", "Hamza|حمزة", "Ziad|زياد", "Rami|رامي",
        ),
        "last": (
            "Al Mansouri|المنصوري", "Haddad|حداد", "Khoury|خوري", "Nasser|ناصر", "Saleh|صالح", "Hamdan|حمدان",
            "Al Hashimi|الهاشمي", "Farouk|فاروق", "Mansour|منصور", "Aziz|عزيز", "Khalil|خليل", "Darwish|درويش",
        ),
    },
    "nigerian": {
        "female": (
            "Chiamaka", "Ngozi", "Adaeze", "Funmilayo", "Temitope", "Folake", "Amaka", "Yetunde", "Ifeoma", "Zainab",
            "Kemi", "Tolu", "Nneka", "Bisola",
        ),
        "male": (
            "Chinedu", "Oluwaseun", "Emeka", "Tunde", "Babajide", "Obinna", "Segun", "Ikenna", "Femi", "Kelechi",
            "Dayo", "Chidi", "Tobi", "Uche",
        ),
        "last": (
            "Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Nwosu", "Adebayo", "Ogunleye", "Chukwu", "Afolabi",
            "Olawale", "Ibrahim", "Obi", "Adeleke", "Okoro", "Bello",
        ),
    },
    "german": {
        "female": (
            "Lena", "Hannah", "Lea", "Mia", "Sophie", "Anna", "Laura", "Jana", "Clara", "Marie", "Johanna", "Greta",
            "Frieda", "Julia", "Maren", "Svenja",
        ),
        "male": (
            "Lukas", "Felix", "Jonas", "Maximilian", "Leon", "Paul", "Finn", "Niklas", "Tobias", "Jan", "Moritz",
            "Jannik", "Björn", "Sören", "Florian", "Till",
        ),
        "last": (
            "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
            "Koch", "Richter", "Wolf", "Schäfer", "Krüger", "Böhm", "Zimmermann", "Hartmann", "Lange", "Vogel",
        ),
    },
    "french": {
        "female": (
            "Camille", "Léa", "Manon", "Chloé", "Inès", "Juliette", "Louise", "Zoé", "Élodie", "Margaux", "Clémence",
            "Anaïs", "Océane", "Mathilde", "Amélie", "Noémie",
        ),
        "male": (
            "Lucas", "Hugo", "Théo", "Louis", "Nathan", "Jules", "Raphaël", "Antoine", "Maxime", "Étienne", "Mathis",
            "Benoît", "Clément", "Jérôme", "Gaël", "Arthur",
        ),
        "last": (
            "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
            "Lefèvre", "Girard", "Bonnet", "François", "Mercier", "Rousseau", "Fontaine", "Chevalier", "Gauthier",
            "Tremblay", "Gagnon", "Bélanger",
        ),
    },
    "italian": {
        "female": (
            "Giulia", "Chiara", "Francesca", "Martina", "Sara", "Alessia", "Giorgia", "Elisa", "Federica", "Beatrice",
            "Aurora", "Ilaria",
        ),
        "male": (
            "Marco", "Luca", "Alessandro", "Matteo", "Lorenzo", "Davide", "Andrea", "Federico", "Niccolò", "Riccardo",
            "Gabriele", "Simone",
        ),
        "last": (
            "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
            "Bruno", "Conti", "De Luca", "Galli", "Fontana", "Caruso",
        ),
    },
    "japanese": {
        "female": ("Yui", "Sakura", "Hina", "Aoi", "Mei", "Rin", "Haruka", "Nanami", "Misaki", "Yuka", "Emi", "Ayaka"),
        "male": ("Haruto", "Sota", "Ren", "Yuto", "Kaito", "Riku", "Takumi", "Daiki", "Kenta", "Shota", "Ryo", "Yuki"),
        "last": (
            "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato",
            "Yoshida", "Yamaguchi", "Matsumoto", "Inoue",
        ),
    },
}

# Cultures that put the family name first when the name is shown in native order.
FAMILY_FIRST = frozenset({"korean"})

# Language a culture's creators may speak besides the country's languages (diaspora bilingualism).
CULTURE_LANGUAGE: dict[str, str] = {
    "hispanic": "es", "brazilian": "pt", "indian": "hi", "korean": "ko", "arabic": "ar",
    "german": "de", "french": "fr", "italian": "it", "japanese": "ja",
}

# Chance a creator of that culture, living in the given country, shows the native-script spelling.
NATIVE_SCRIPT_SHARE: dict[tuple[str, str], float] = {("korean", "KR"): 0.3, ("arabic", "AE"): 0.2}

# --- places ------------------------------------------------------------------------------------------------------

# (city, region, country, weight, phone area code or "")
CITIES: tuple[tuple[str, str, str, float, str], ...] = (
    ("Los Angeles", "California", "US", 14.0, "310"),
    ("New York", "New York", "US", 9.0, "212"),
    ("Miami", "Florida", "US", 4.0, "305"),
    ("Austin", "Texas", "US", 3.0, "512"),
    ("Chicago", "Illinois", "US", 3.5, "312"),
    ("San Francisco", "California", "US", 2.5, "415"),
    ("Atlanta", "Georgia", "US", 2.5, "404"),
    ("Houston", "Texas", "US", 2.0, "713"),
    ("Dallas", "Texas", "US", 2.0, "214"),
    ("Nashville", "Tennessee", "US", 1.5, "615"),
    ("Seattle", "Washington", "US", 1.5, "206"),
    ("Denver", "Colorado", "US", 1.3, "303"),
    ("Phoenix", "Arizona", "US", 1.0, "602"),
    ("San Diego", "California", "US", 1.3, "619"),
    ("Portland", "Oregon", "US", 1.0, "503"),
    ("Boston", "Massachusetts", "US", 1.5, "617"),
    ("Las Vegas", "Nevada", "US", 0.8, "702"),
    ("Orlando", "Florida", "US", 0.7, "407"),
    ("Philadelphia", "Pennsylvania", "US", 1.0, "215"),
    ("Washington", "District of Columbia", "US", 1.0, "202"),
    ("Salt Lake City", "Utah", "US", 0.6, "801"),
    ("Minneapolis", "Minnesota", "US", 0.6, "612"),
    ("Scottsdale", "Arizona", "US", 0.4, "480"),
    ("Charlotte", "North Carolina", "US", 0.6, "704"),
    ("Honolulu", "Hawaii", "US", 0.3, "808"),
    ("London", "England", "GB", 4.5, ""),
    ("Manchester", "England", "GB", 1.0, ""),
    ("Edinburgh", "Scotland", "GB", 0.4, ""),
    ("Toronto", "Ontario", "CA", 2.5, "416"),
    ("Vancouver", "British Columbia", "CA", 1.2, "604"),
    ("Montreal", "Quebec", "CA", 0.8, "514"),
    ("Mumbai", "Maharashtra", "IN", 2.0, ""),
    ("New Delhi", "Delhi", "IN", 1.5, ""),
    ("Bengaluru", "Karnataka", "IN", 1.0, ""),
    ("São Paulo", "São Paulo", "BR", 2.0, ""),
    ("Rio de Janeiro", "Rio de Janeiro", "BR", 1.2, ""),
    ("Mexico City", "Mexico City", "MX", 2.0, ""),
    ("Guadalajara", "Jalisco", "MX", 0.6, ""),
    ("Monterrey", "Nuevo León", "MX", 0.5, ""),
    ("Madrid", "Community of Madrid", "ES", 1.0, ""),
    ("Barcelona", "Catalonia", "ES", 1.0, ""),
    ("Seoul", "Seoul", "KR", 1.5, ""),
    ("Busan", "Busan", "KR", 0.3, ""),
    ("Sydney", "New South Wales", "AU", 1.2, ""),
    ("Melbourne", "Victoria", "AU", 1.0, ""),
    ("Berlin", "Berlin", "DE", 1.0, ""),
    ("Munich", "Bavaria", "DE", 0.6, ""),
    ("Paris", "Île-de-France", "FR", 1.5, ""),
    ("Lyon", "Auvergne-Rhône-Alpes", "FR", 0.3, ""),
    ("Lagos", "Lagos", "NG", 1.0, ""),
    ("Dubai", "Dubai", "AE", 1.0, ""),
    ("Milan", "Lombardy", "IT", 0.8, ""),
    ("Tokyo", "Tokyo", "JP", 0.8, ""),
    ("Bogotá", "Bogotá", "CO", 0.4, ""),
    ("Medellín", "Antioquia", "CO", 0.4, ""),
    ("Buenos Aires", "Buenos Aires", "AR", 0.6, ""),
)

# City-level overrides of the name-culture mix (where it differs a lot from the country's).
CITY_CULTURES: dict[str, dict[str, float]] = {
    "Miami": {"hispanic": 55, "anglo": 35, "brazilian": 4, "east_asian_american": 2, "nigerian": 2, "arabic": 2},
    "Los Angeles": {"anglo": 45, "hispanic": 30, "east_asian_american": 12, "korean": 3, "indian": 4, "arabic": 3,
                    "nigerian": 3},
    "Houston": {"anglo": 50, "hispanic": 32, "nigerian": 5, "indian": 6, "east_asian_american": 5, "arabic": 2},
    "San Diego": {"anglo": 55, "hispanic": 30, "east_asian_american": 10, "indian": 5},
    "Montreal": {"french": 62, "anglo": 18, "arabic": 10, "hispanic": 5, "east_asian_american": 5},
    "Barcelona": {"hispanic": 90, "italian": 4, "french": 3, "anglo": 3},
}

# Per country: languages spoken by everyone, optional extra languages with probability, name-culture mix,
# phone template ('#' is a random digit) and countries likely in the audience besides the home one.
COUNTRIES: dict[str, dict] = {
    "US": {"langs": ("en",), "extra": (("es", 0.04),), "phone": "+1 {area} 555 01##",
           "cultures": {"anglo": 60, "hispanic": 17, "east_asian_american": 7, "indian": 5, "nigerian": 3,
                        "arabic": 2, "korean": 1, "italian": 1},
           "audience": ("CA", "GB", "MX", "AU", "IN", "PH", "DE", "BR")},
    "GB": {"langs": ("en",), "extra": (), "phone": "+44 7700 900###",
           "cultures": {"anglo": 70, "indian": 12, "nigerian": 5, "arabic": 4, "east_asian_american": 3,
                        "french": 2, "italian": 2, "german": 2},
           "audience": ("US", "IE", "AU", "CA", "DE", "FR", "NL", "IN")},
    "CA": {"langs": ("en",), "extra": (("fr", 0.08),), "phone": "+1 {area} 555 01##",
           "cultures": {"anglo": 55, "french": 10, "indian": 12, "east_asian_american": 13, "arabic": 4,
                        "hispanic": 3, "korean": 3},
           "audience": ("US", "GB", "AU", "IN", "FR", "PH")},
    "IN": {"langs": ("en",), "extra": (("hi", 0.75),), "phone": "+91 98### #####",
           "cultures": {"indian": 100}, "audience": ("US", "AE", "GB", "CA", "SG", "AU", "BD", "NP")},
    "BR": {"langs": ("pt",), "extra": (("en", 0.3), ("es", 0.08)), "phone": "+55 {area2} 9####-####",
           "cultures": {"brazilian": 96, "italian": 2, "japanese": 2},
           "audience": ("PT", "US", "AR", "AO", "MX", "ES")},
    "MX": {"langs": ("es",), "extra": (("en", 0.3),), "phone": "+52 55 #### ####",
           "cultures": {"hispanic": 100}, "audience": ("US", "CO", "AR", "ES", "GT", "PE", "CL")},
    "ES": {"langs": ("es",), "extra": (("en", 0.35),), "phone": "+34 6## ### ###",
           "cultures": {"hispanic": 92, "arabic": 3, "anglo": 2, "italian": 3},
           "audience": ("MX", "AR", "CO", "US", "FR", "IT", "CL")},
    "KR": {"langs": ("ko",), "extra": (("en", 0.3),), "phone": "+82 10-####-####",
           "cultures": {"korean": 100}, "audience": ("US", "JP", "PH", "ID", "TH", "VN", "TW")},
    "AU": {"langs": ("en",), "extra": (), "phone": "+61 491 570 ###",
           "cultures": {"anglo": 70, "east_asian_american": 12, "indian": 8, "italian": 4, "korean": 3,
                        "hispanic": 3},
           "audience": ("NZ", "US", "GB", "CA", "SG", "IN")},
    "DE": {"langs": ("de",), "extra": (("en", 0.45),), "phone": "+49 151 ########",
           "cultures": {"german": 84, "arabic": 6, "italian": 4, "anglo": 3, "french": 3},
           "audience": ("AT", "CH", "NL", "US", "GB", "PL")},
    "FR": {"langs": ("fr",), "extra": (("en", 0.35),), "phone": "+33 6 ## ## ## ##",
           "cultures": {"french": 80, "arabic": 13, "nigerian": 2, "italian": 3, "hispanic": 2},
           "audience": ("BE", "CH", "CA", "MA", "US", "DE", "SN")},
    "NG": {"langs": ("en",), "extra": (), "phone": "+234 803 ### ####",
           "cultures": {"nigerian": 100}, "audience": ("GH", "US", "GB", "ZA", "KE", "CA")},
    "AE": {"langs": ("en",), "extra": (("ar", 0.55),), "phone": "+971 50 ### ####",
           "cultures": {"arabic": 62, "indian": 25, "anglo": 8, "french": 3, "hispanic": 2},
           "audience": ("SA", "IN", "EG", "GB", "US", "KW", "QA", "PK")},
    "IT": {"langs": ("it",), "extra": (("en", 0.35),), "phone": "+39 347 ### ####",
           "cultures": {"italian": 95, "arabic": 2, "hispanic": 3},
           "audience": ("CH", "US", "FR", "DE", "ES", "GB")},
    "JP": {"langs": ("ja",), "extra": (("en", 0.2),), "phone": "+81 90-####-####",
           "cultures": {"japanese": 100}, "audience": ("US", "TW", "KR", "TH", "PH", "HK")},
    "CO": {"langs": ("es",), "extra": (("en", 0.25),), "phone": "+57 310 ### ####",
           "cultures": {"hispanic": 100}, "audience": ("MX", "US", "ES", "EC", "VE", "PE")},
    "AR": {"langs": ("es",), "extra": (("en", 0.25), ("it", 0.05)), "phone": "+54 9 11 ####-####",
           "cultures": {"hispanic": 75, "italian": 25}, "audience": ("UY", "CL", "ES", "MX", "US", "PY")},
}

CITY_LANGUAGES: dict[str, tuple[tuple[str, float], ...]] = {
    "Montreal": (("fr", 0.85),), "Barcelona": (("ca", 0.4),), "Mumbai": (("mr", 0.2),),
    "Bengaluru": (("kn", 0.25),), "Lagos": (("yo", 0.25),), "Miami": (("es", 0.35),),
}

# How a Spanish or Portuguese bio names the city.
CITY_LOCAL_NAMES: dict[str, str] = {
    "Mexico City": "Ciudad de México", "New York": "Nueva York", "London": "Londres", "Seoul": "Seúl",
    "Tokyo": "Tokio", "Paris": "París", "Berlin": "Berlín", "Miami": "Miami", "Milan": "Milán",
}

BR_AREA = {"São Paulo": "11", "Rio de Janeiro": "21"}

# --- niches ------------------------------------------------------------------------------------------------------

# Niche weight as a primary niche.
NICHE_WEIGHTS: dict[str, float] = {
    "beauty": 13, "fashion": 9, "fitness": 8, "food": 8, "travel": 6, "tech": 5, "gaming": 6, "finance": 3.5,
    "parenting": 4, "lifestyle": 8, "music": 4, "sports": 3.5, "education": 2.5, "health": 3.5, "pets": 3,
    "home": 3, "automotive": 1.5, "entertainment": 3, "business": 2.5, "art": 2.5, "photography": 2.5,
    "comedy": 3.5, "outdoors": 2.5, "sustainability": 1.5,
}

# Niches that tend to come together with a primary niche (secondary niches are drawn from these).
RELATED_NICHES: dict[str, tuple[str, ...]] = {
    "beauty": ("fashion", "lifestyle", "health"),
    "fashion": ("beauty", "lifestyle", "travel", "photography", "sustainability"),
    "fitness": ("health", "sports", "food", "lifestyle"),
    "food": ("health", "travel", "lifestyle", "parenting", "home"),
    "travel": ("photography", "food", "lifestyle", "outdoors"),
    "tech": ("gaming", "education", "business", "photography"),
    "gaming": ("tech", "entertainment", "comedy"),
    "finance": ("business", "education", "tech"),
    "parenting": ("lifestyle", "home", "food", "education"),
    "lifestyle": ("fashion", "beauty", "travel", "home", "food"),
    "music": ("entertainment", "comedy", "lifestyle"),
    "sports": ("fitness", "health", "entertainment"),
    "education": ("tech", "finance", "parenting"),
    "health": ("fitness", "food", "lifestyle"),
    "pets": ("lifestyle", "comedy", "outdoors"),
    "home": ("lifestyle", "parenting", "sustainability", "art"),
    "automotive": ("tech", "travel", "outdoors"),
    "entertainment": ("comedy", "music", "lifestyle"),
    "business": ("finance", "tech", "education"),
    "art": ("photography", "home", "lifestyle"),
    "photography": ("travel", "art", "outdoors"),
    "comedy": ("entertainment", "lifestyle", "gaming"),
    "outdoors": ("travel", "fitness", "photography", "sustainability"),
    "sustainability": ("home", "fashion", "food", "outdoors"),
}

TOPICS: dict[str, tuple[str, ...]] = {
    "beauty": ("skincare routines", "clean beauty", "drugstore makeup", "K-beauty", "makeup tutorials", "hair care",
               "nail art", "fragrance reviews", "acne skincare", "glass skin", "bridal makeup", "SPF education"),
    "fashion": ("streetwear", "thrift flips", "capsule wardrobe", "sustainable fashion", "outfit ideas",
                "plus-size fashion", "sneaker culture", "luxury hauls", "modest fashion", "vintage finds",
                "workwear style"),
    "fitness": ("home workouts", "powerlifting", "HIIT", "yoga flows", "marathon training", "calisthenics",
                "pilates", "bodybuilding", "postpartum fitness", "mobility work", "CrossFit"),
    "food": ("vegan recipes", "meal prep", "baking", "street food", "healthy snacks", "restaurant reviews",
             "BBQ and grilling", "budget meals", "air fryer recipes", "Mexican home cooking", "Indian curries",
             "specialty coffee"),
    "travel": ("budget travel", "luxury hotels", "solo female travel", "van life", "digital nomad life",
               "hidden gems", "travel hacks", "family travel", "road trips", "island getaways"),
    "tech": ("smartphone reviews", "PC builds", "AI tools", "smart home gadgets", "coding tutorials",
             "productivity apps", "camera gear", "unboxings", "cybersecurity tips", "wearables"),
    "gaming": ("Fortnite", "Minecraft", "Valorant", "speedruns", "retro games", "Nintendo Switch", "esports",
               "indie games", "Call of Duty", "cozy games", "League of Legends", "game reviews"),
    "finance": ("personal finance", "investing for beginners", "budgeting tips", "crypto", "real estate investing",
                "FIRE movement", "credit scores", "side hustles", "stock market news", "paying off debt"),
    "parenting": ("toddler activities", "mom life", "dad life", "pregnancy journey", "baby sleep tips",
                  "homeschooling", "family vlogs", "kids crafts", "gentle parenting", "lunchbox ideas"),
    "lifestyle": ("day in my life", "morning routines", "self-care", "apartment tours", "productivity", "wellness",
                  "weekly vlogs", "slow living", "city life", "shopping hauls"),
    "music": ("singer-songwriter covers", "hip hop", "music production", "guitar lessons", "K-pop dance covers",
              "DJ sets", "piano covers", "Latin pop", "indie music", "vocal tips"),
    "sports": ("NBA highlights", "soccer skills", "tennis", "golf tips", "NFL analysis", "running",
               "skateboarding", "boxing", "basketball training", "cricket", "Formula 1"),
    "education": ("study tips", "language learning", "science explainers", "history facts", "math tutoring",
                  "college admissions", "career advice", "book reviews", "teacher life", "learning Spanish"),
    "health": ("mental health", "nutrition", "gut health", "sleep science", "healthy aging", "women's health",
               "holistic wellness", "diabetes management", "physical therapy", "meditation"),
    "pets": ("dog training", "cat videos", "pet care tips", "rescue dogs", "exotic pets", "puppy life",
             "pet nutrition", "pet grooming", "aquariums", "horse riding"),
    "home": ("interior design", "DIY home projects", "home organization", "cleaning hacks", "gardening",
             "small space living", "home renovation", "plant care", "thrifted decor", "cozy home decor"),
    "automotive": ("car reviews", "EV news", "car detailing", "JDM builds", "motorcycles", "classic cars",
                   "off-roading", "car buying tips", "track days", "truck builds"),
    "entertainment": ("movie reviews", "celebrity news", "reaction videos", "TV recaps", "pop culture commentary",
                      "anime", "reality TV", "K-dramas", "podcasts", "true crime"),
    "business": ("entrepreneurship", "startup advice", "marketing tips", "LinkedIn growth", "leadership",
                 "e-commerce", "small business", "personal branding", "remote work", "sales tips"),
    "art": ("digital illustration", "watercolor", "pottery", "tattoo art", "calligraphy", "street art",
            "art tutorials", "character design", "painting process", "crochet"),
    "photography": ("portrait photography", "landscape photography", "drone footage", "street photography",
                    "photo editing tips", "film photography", "wedding photography", "mobile photography",
                    "Lightroom presets", "astrophotography"),
    "comedy": ("sketch comedy", "stand-up clips", "skits", "pranks", "parody", "relatable memes", "improv",
               "dad jokes", "impressions", "storytime"),
    "outdoors": ("hiking", "camping", "fishing", "rock climbing", "national parks", "backpacking", "surfing",
                 "skiing", "overlanding", "birdwatching"),
    "sustainability": ("zero waste", "climate action", "thrifting", "eco-friendly products", "plant-based living",
                       "upcycling", "composting", "ethical fashion", "renewable energy", "minimalism"),
}

BRANDS: dict[str, tuple[str, ...]] = {
    "beauty": ("Sephora", "Glossier", "Fenty Beauty", "The Ordinary", "CeraVe", "Rare Beauty", "Charlotte Tilbury",
               "e.l.f. Cosmetics", "Maybelline", "L'Oréal Paris", "NYX Professional Makeup", "Ulta Beauty",
               "Drunk Elephant", "Laneige", "Olaplex", "Sol de Janeiro", "Dior Beauty", "La Roche-Posay"),
    "fashion": ("Zara", "H&M", "Nike", "Adidas", "Levi's", "ASOS", "Reformation", "Revolve", "Aritzia", "Uniqlo",
                "Gucci", "Coach", "Mango", "Skims", "Converse", "Zalando", "Farfetch", "Abercrombie & Fitch"),
    "fitness": ("Gymshark", "Nike", "Lululemon", "Alo Yoga", "Under Armour", "Peloton", "MyProtein",
                "Optimum Nutrition", "Whoop", "Garmin", "Fitbit", "Hoka", "Adidas", "Celsius", "Bowflex", "Ghost"),
    "food": ("HelloFresh", "Blue Apron", "Whole Foods Market", "Trader Joe's", "Instacart", "DoorDash", "Uber Eats",
             "Chobani", "Oatly", "KitchenAid", "Le Creuset", "Ninja Kitchen", "Barilla", "Impossible Foods",
             "Starbucks", "Nespresso", "Factor"),
    "travel": ("Airbnb", "Booking.com", "Expedia", "Marriott Bonvoy", "Hilton", "Delta Air Lines", "Emirates",
               "Away", "Samsonite", "GoPro", "Tourism Australia", "Hostelworld", "Lonely Planet", "Vrbo",
               "Skyscanner"),
    "tech": ("Samsung", "Apple", "Google", "Anker", "Logitech", "Dell", "HP", "Lenovo", "Sony", "Microsoft",
             "Notion", "Canva", "NordVPN", "Squarespace", "DJI", "OnePlus", "Grammarly"),
    "gaming": ("Razer", "Logitech G", "SteelSeries", "HyperX", "Corsair", "Secretlab", "NZXT", "Xbox",
               "PlayStation", "Nintendo", "Red Bull", "G Fuel", "Discord", "Alienware", "Elgato", "ASUS ROG",
               "Epic Games", "Riot Games"),
    "finance": ("Robinhood", "Wealthfront", "Betterment", "Coinbase", "SoFi", "NerdWallet", "Chime", "Acorns",
                "Public.com", "Revolut", "Wise", "Credit Karma", "Fidelity", "Monarch Money", "Rocket Money"),
    "parenting": ("Pampers", "Huggies", "Fisher-Price", "Lovevery", "Carter's", "Target", "Graco", "Nanit",
                  "UPPAbaby", "KiwiCo", "The Honest Company", "Gerber", "Melissa & Doug", "Owlet"),
    "lifestyle": ("Target", "Amazon", "Starbucks", "Away", "Dyson", "Apple", "Stanley", "Calm", "Headspace",
                  "Spotify", "Glossier", "Aritzia", "Anthropologie", "Urban Outfitters", "Olipop"),
    "music": ("Spotify", "Apple Music", "Fender", "Gibson", "Yamaha", "Beats by Dre", "Sennheiser", "Shure",
              "Audio-Technica", "Native Instruments", "Ableton", "Bose", "Sonos", "JBL", "SoundCloud"),
    "sports": ("Nike", "Adidas", "Under Armour", "Gatorade", "Puma", "New Balance", "Wilson", "ESPN", "Red Bull",
               "Oakley", "Callaway", "TaylorMade", "Powerade", "BodyArmor", "Fanatics"),
    "education": ("Duolingo", "Coursera", "Skillshare", "MasterClass", "Khan Academy", "Babbel", "Brilliant",
                  "Chegg", "Quizlet", "Notion", "Grammarly", "Audible", "Rosetta Stone", "Udemy"),
    "health": ("Headspace", "Calm", "BetterHelp", "AG1", "Hims & Hers", "Thorne", "Ritual", "Oura",
               "Vital Proteins", "Olly", "Seed", "Whoop", "Eight Sleep", "Noom"),
    "pets": ("Chewy", "BarkBox", "PetSmart", "Petco", "Purina", "Blue Buffalo", "The Farmer's Dog", "Ollie",
             "Furbo", "Kong", "Royal Canin", "Hill's Pet Nutrition", "Rover", "Wild One"),
    "home": ("IKEA", "Wayfair", "Target", "HomeGoods", "The Home Depot", "Lowe's", "Dyson", "iRobot", "Ruggable",
             "Article", "West Elm", "Brooklinen", "Method", "Mrs. Meyer's", "The Container Store"),
    "automotive": ("Tesla", "Ford", "Toyota", "BMW", "Chevrolet", "Hyundai", "Rivian", "Michelin", "Meguiar's",
                   "Chemical Guys", "Castrol", "AutoZone", "Shell", "Porsche", "Harley-Davidson", "Pirelli"),
    "entertainment": ("Netflix", "Disney+", "HBO Max", "Hulu", "Prime Video", "Paramount+", "Crunchyroll",
                      "Spotify", "Audible", "Fandango", "Universal Pictures", "AMC Theatres", "Peacock"),
    "business": ("Shopify", "HubSpot", "Salesforce", "Canva", "Notion", "LinkedIn Learning", "Squarespace", "Wix",
                 "Mailchimp", "Slack", "Zoom", "QuickBooks", "Monday.com", "Stripe", "Asana", "Fiverr"),
    "art": ("Procreate", "Adobe", "Wacom", "Winsor & Newton", "Faber-Castell", "Blick Art Materials", "Michaels",
            "Posca", "Copic", "Arteza", "Etsy", "Cricut", "Skillshare", "Staedtler"),
    "photography": ("Sony", "Canon", "Nikon", "Fujifilm", "DJI", "Adobe Lightroom", "Peak Design", "GoPro",
                    "Insta360", "SanDisk", "B&H Photo", "Moment", "Leica", "Manfrotto"),
    "comedy": ("Netflix", "Comedy Central", "Spotify", "DoorDash", "Taco Bell", "Wendy's", "Duolingo",
               "Liquid Death", "Old Spice", "Dollar Shave Club", "Manscaped", "Uber Eats", "Doritos"),
    "outdoors": ("Patagonia", "The North Face", "REI", "Columbia", "Arc'teryx", "Yeti", "Osprey", "Garmin",
                 "GoPro", "Salomon", "Merrell", "Hydro Flask", "Black Diamond", "Keen", "Coleman"),
    "sustainability": ("Patagonia", "Allbirds", "Who Gives A Crap", "Grove Collaborative", "Blueland", "Tentree",
                       "Pela", "Bee's Wrap", "Oatly", "Beyond Meat", "Too Good To Go", "Stasher", "ThredUp",
                       "Vinted", "Veja"),
}

# How creators describe themselves, by niche.
CREATOR_NOUNS: dict[str, tuple[str, ...]] = {
    "beauty": ("beauty creator", "makeup artist", "skincare enthusiast", "licensed esthetician"),
    "fashion": ("fashion creator", "stylist", "fashion content creator", "personal shopper"),
    "fitness": ("fitness coach", "personal trainer", "fitness creator", "certified trainer"),
    "food": ("home cook", "recipe developer", "food creator", "pastry chef"),
    "travel": ("travel creator", "travel photographer", "full-time traveler", "travel writer"),
    "tech": ("tech reviewer", "software engineer", "tech creator", "gadget nerd"),
    "gaming": ("streamer", "gaming creator", "variety streamer", "content creator"),
    "finance": ("finance educator", "CFP", "money coach", "personal finance creator"),
    "parenting": ("parent of three", "parenting creator", "parent of two", "family creator"),
    "lifestyle": ("lifestyle creator", "content creator", "vlogger", "lifestyle blogger"),
    "music": ("musician", "singer-songwriter", "producer", "music creator"),
    "sports": ("former college athlete", "sports creator", "coach", "sports analyst"),
    "education": ("teacher", "educator", "tutor", "science communicator"),
    "health": ("registered dietitian", "wellness coach", "health creator", "nurse"),
    "pets": ("dog parent", "pet creator", "dog trainer", "pet parent"),
    "home": ("interior designer", "DIYer", "home creator", "organizing pro"),
    "automotive": ("car enthusiast", "automotive creator", "mechanic", "car reviewer"),
    "entertainment": ("pop culture commentator", "entertainment creator", "podcaster", "film critic"),
    "business": ("founder", "marketing strategist", "entrepreneur", "business coach"),
    "art": ("artist", "illustrator", "painter", "ceramicist"),
    "photography": ("photographer", "visual storyteller", "filmmaker", "photo creator"),
    "comedy": ("comedian", "comedy creator", "sketch writer", "content creator"),
    "outdoors": ("outdoor guide", "adventure creator", "trail runner", "outdoor photographer"),
    "sustainability": ("sustainability advocate", "eco creator", "climate educator", "zero-waste creator"),
}

# Short words appended to a first name for a handle ("sarahglows").
HANDLE_WORDS: dict[str, tuple[str, ...]] = {
    "beauty": ("glows", "beauty", "glam", "makeup", "skin"),
    "fashion": ("style", "fits", "wears", "closet", "styled"),
    "fitness": ("fit", "lifts", "trains", "strong", "moves"),
    "food": ("eats", "cooks", "kitchen", "bakes", "foodie"),
    "travel": ("travels", "wanders", "abroad", "explores", "roams"),
    "tech": ("tech", "reviews", "builds", "codes", "gadgets"),
    "gaming": ("plays", "gg", "gaming", "live", "games"),
    "finance": ("money", "invests", "finance", "wealth", "cents"),
    "parenting": ("family", "parenting", "littles", "andkids", "home"),
    "lifestyle": ("life", "daily", "vibes", "living", "diaries"),
    "music": ("music", "beats", "sings", "sounds", "keys"),
    "sports": ("sports", "hoops", "ball", "athlete", "plays"),
    "education": ("learns", "teaches", "explains", "academy", "studies"),
    "health": ("wellness", "health", "well", "mind", "nourish"),
    "pets": ("andpets", "thedog", "pups", "paws", "cats"),
    "home": ("home", "nest", "decor", "house", "interiors"),
    "automotive": ("cars", "drives", "garage", "motors", "revs"),
    "entertainment": ("reacts", "watches", "talks", "recaps", "tv"),
    "business": ("ceo", "builds", "growth", "biz", "ventures"),
    "art": ("art", "draws", "paints", "creates", "studio"),
    "photography": ("photo", "shoots", "lens", "captures", "frames"),
    "comedy": ("laughs", "jokes", "funny", "comedy", "skits"),
    "outdoors": ("outdoors", "hikes", "wild", "trails", "camps"),
    "sustainability": ("green", "eco", "sustainably", "lowwaste", "earth"),
}

HANDLE_PREFIXES: tuple[str, ...] = ("the", "its", "hey", "just", "simply", "iam", "real", "official")

# Share of creators in the niche who are women (drives first names), female share of the audience,
# and audience age weights for 13-17, 18-24, 25-34, 35-44, 45+.
DEMOGRAPHICS: dict[str, tuple[float, float, tuple[float, ...]]] = {
    "beauty": (0.88, 80, (6, 38, 34, 14, 8)),
    "fashion": (0.8, 76, (6, 36, 35, 15, 8)),
    "fitness": (0.55, 52, (3, 30, 38, 19, 10)),
    "food": (0.6, 64, (2, 20, 35, 24, 19)),
    "travel": (0.6, 58, (2, 24, 38, 22, 14)),
    "tech": (0.2, 28, (4, 30, 36, 19, 11)),
    "gaming": (0.18, 24, (18, 42, 27, 9, 4)),
    "finance": (0.35, 36, (1, 22, 40, 23, 14)),
    "parenting": (0.82, 86, (0, 10, 46, 32, 12)),
    "lifestyle": (0.75, 68, (5, 32, 36, 17, 10)),
    "music": (0.45, 52, (14, 38, 28, 12, 8)),
    "sports": (0.25, 28, (10, 32, 30, 17, 11)),
    "education": (0.55, 54, (10, 34, 30, 15, 11)),
    "health": (0.7, 66, (2, 18, 34, 26, 20)),
    "pets": (0.7, 70, (6, 26, 32, 21, 15)),
    "home": (0.78, 78, (1, 14, 36, 28, 21)),
    "automotive": (0.1, 16, (5, 26, 33, 21, 15)),
    "entertainment": (0.5, 55, (14, 38, 28, 12, 8)),
    "business": (0.4, 42, (1, 20, 40, 25, 14)),
    "art": (0.65, 62, (8, 34, 32, 15, 11)),
    "photography": (0.4, 42, (4, 28, 36, 19, 13)),
    "comedy": (0.4, 48, (15, 40, 28, 11, 6)),
    "outdoors": (0.4, 44, (2, 20, 36, 24, 18)),
    "sustainability": (0.72, 70, (3, 30, 38, 18, 11)),
}

# --- platforms ---------------------------------------------------------------------------------------------------

_VISUAL = {"instagram": 45, "tiktok": 32, "youtube": 14, "pinterest": 4, "facebook": 3, "snapchat": 2}
# Weight of each platform as the primary account of a creator in the niche (secondary accounts reuse it).
PLATFORM_WEIGHTS: dict[str, dict[str, float]] = {
    "beauty": {"instagram": 46, "tiktok": 34, "youtube": 14, "pinterest": 3, "snapchat": 2, "facebook": 1},
    "fashion": {"instagram": 50, "tiktok": 30, "youtube": 8, "pinterest": 8, "snapchat": 2, "facebook": 2},
    "fitness": {"instagram": 44, "tiktok": 28, "youtube": 22, "facebook": 3, "twitter": 1, "pinterest": 2},
    "food": {"instagram": 38, "tiktok": 32, "youtube": 18, "pinterest": 7, "facebook": 5},
    "travel": {"instagram": 52, "youtube": 24, "tiktok": 18, "pinterest": 3, "facebook": 3},
    "tech": {"youtube": 50, "tiktok": 15, "twitter": 14, "instagram": 10, "linkedin": 7, "twitch": 4},
    "gaming": {"twitch": 40, "youtube": 36, "tiktok": 14, "twitter": 6, "instagram": 4},
    "finance": {"youtube": 30, "tiktok": 22, "linkedin": 18, "instagram": 16, "twitter": 14},
    "parenting": {"instagram": 44, "tiktok": 26, "youtube": 14, "facebook": 10, "pinterest": 6},
    "lifestyle": {"instagram": 44, "tiktok": 30, "youtube": 18, "pinterest": 4, "snapchat": 2, "facebook": 2},
    "music": {"tiktok": 34, "youtube": 32, "instagram": 26, "twitch": 4, "twitter": 4},
    "sports": {"instagram": 34, "youtube": 26, "tiktok": 24, "twitter": 14, "facebook": 2},
    "education": {"youtube": 44, "tiktok": 26, "instagram": 14, "linkedin": 10, "twitter": 6},
    "health": {"instagram": 42, "tiktok": 26, "youtube": 20, "facebook": 6, "pinterest": 4, "linkedin": 2},
    "pets": {"instagram": 42, "tiktok": 36, "youtube": 16, "facebook": 6},
    "home": {"instagram": 40, "tiktok": 22, "pinterest": 18, "youtube": 16, "facebook": 4},
    "automotive": {"youtube": 50, "instagram": 26, "tiktok": 18, "facebook": 4, "twitter": 2},
    "entertainment": {"tiktok": 34, "youtube": 32, "instagram": 18, "twitter": 12, "snapchat": 4},
    "business": {"linkedin": 46, "youtube": 16, "twitter": 14, "instagram": 12, "tiktok": 12},
    "art": {"instagram": 46, "tiktok": 26, "youtube": 14, "pinterest": 10, "twitch": 4},
    "photography": {"instagram": 52, "youtube": 26, "tiktok": 12, "pinterest": 6, "twitter": 4},
    "comedy": {"tiktok": 44, "instagram": 22, "youtube": 24, "snapchat": 6, "twitter": 4},
    "outdoors": {"instagram": 44, "youtube": 32, "tiktok": 18, "facebook": 4, "pinterest": 2},
    "sustainability": {"instagram": 44, "tiktok": 26, "youtube": 16, "pinterest": 8, "linkedin": 6},
}
DEFAULT_PLATFORM_WEIGHTS = _VISUAL

# Engagement multiplier, whether avg_views is reported and views as a share of followers (lo, hi),
# and the sponsored-post price per 1k followers in USD.
PLATFORM_STATS: dict[str, tuple[float, tuple[float, float] | None, float]] = {
    "instagram": (1.0, (0.08, 0.45), 10.0),
    "tiktok": (1.25, (0.2, 1.4), 8.0),
    "youtube": (0.8, (0.08, 0.5), 20.0),
    "twitter": (0.35, None, 4.0),
    "twitch": (0.9, (0.01, 0.05), 14.0),
    "linkedin": (0.55, None, 15.0),
    "facebook": (0.4, (0.03, 0.2), 6.0),
    "snapchat": (0.7, (0.1, 0.6), 7.0),
    "pinterest": (0.3, None, 5.0),
}

STORY_PLATFORMS = frozenset({"instagram", "facebook", "snapchat"})
REEL_PLATFORMS = frozenset({"instagram", "tiktok", "facebook", "youtube"})

# --- text templates ----------------------------------------------------------------------------------------------
# Placeholders: {first} {noun} {Noun} {niche} {t1} {t2} {t3} {T1} {city} {country} {brand} {email_line}

BIOS_EN: tuple[str, ...] = (
    "{City}-based {noun} sharing {t1} and {t2}. {cta}",
    "{T1} | {T2} | {T3} 📍 {city}. {cta}",
    "Hi, I'm {first}! {Noun} posting about {t1}, {t2} and everything {niche}. {cta}",
    "{Noun} in {city}. Helping you with {t1} without the fluff. {cta}",
    "Your go-to for {t1} and {t2} 💫 {city} • {cta}",
    "{Noun} | {niche_label} | {t1} & {t2}. Worked with {brand}. {cta}",
    "Making {t1} simple. Also: {t2}, {t3}. Based in {city}, {country_name}. {cta}",
    "{first} • {noun} • {city}\n{T1}, {t2} & {t3}\n{cta}",
    "Documenting {t1}, {t2} and real life in {city}. New posts weekly. {cta}",
    "Ex-corporate, now full-time {noun}. {T1} + {t2}. {cta}",
    "{niche_label} with a side of {t2}. {city} ✈️ everywhere. {cta}",
    "I talk about {t1} so you don't have to Google it. {T2} too. {cta}",
    "{T1} for busy people. {Noun}, {city}. {cta}",
    "Sharing honest {t1} and {t2} since 20{since}. {cta}",
)
BIOS_ES: tuple[str, ...] = (
    "Creador(a) de contenido de {niche_es} en {city} ✨ {T1}, {t2} y más. {cta_es}",
    "{T1} · {T2} · {city}. Hablo de {niche_es} sin filtros. {cta_es}",
    "Hola, soy {first} 👋 {niche_es} y {t1} desde {city}. {cta_es}",
)
BIOS_PT: tuple[str, ...] = (
    "Criador(a) de conteúdo de {niche_pt} em {city} ✨ {T1} e {t2}. {cta_pt}",
    "{T1} · {T2} · {city}. Tudo sobre {niche_pt}. {cta_pt}",
)
CTAS: tuple[str, ...] = (
    "Collabs: {email}", "📩 {email}", "DM for collabs", "Business inquiries: {email}", "Link in bio 👇",
    "New videos every Tuesday", "Partnerships via DM", "Let's work together: {email}", "",
)
CTAS_NO_EMAIL: tuple[str, ...] = ("DM for collabs", "Link in bio 👇", "Partnerships via DM", "New videos weekly", "")
CTAS_ES: tuple[str, ...] = ("Colaboraciones: {email}", "📩 {email}", "Colabs por DM", "")
CTAS_PT: tuple[str, ...] = ("Parcerias: {email}", "📩 {email}", "Parcerias via DM", "")

NICHE_LABELS: dict[str, str] = {
    "finance": "personal finance", "home": "home & interiors", "outdoors": "outdoor adventure",
    "education": "learning", "automotive": "car culture", "entertainment": "pop culture", "art": "art",
}
NICHE_ES: dict[str, str] = {
    "beauty": "belleza", "fashion": "moda", "fitness": "fitness", "food": "cocina", "travel": "viajes",
    "tech": "tecnología", "gaming": "videojuegos", "finance": "finanzas personales", "parenting": "maternidad",
    "lifestyle": "estilo de vida", "music": "música", "sports": "deportes", "education": "educación",
    "health": "salud", "pets": "mascotas", "home": "hogar", "automotive": "autos", "entertainment": "entretenimiento",
    "business": "negocios", "art": "arte", "photography": "fotografía", "comedy": "comedia",
    "outdoors": "aventura", "sustainability": "sostenibilidad",
}
NICHE_PT: dict[str, str] = {
    "beauty": "beleza", "fashion": "moda", "fitness": "fitness", "food": "culinária", "travel": "viagens",
    "tech": "tecnologia", "gaming": "games", "finance": "finanças pessoais", "parenting": "maternidade",
    "lifestyle": "lifestyle", "music": "música", "sports": "esportes", "education": "educação", "health": "saúde",
    "pets": "pets", "home": "casa e decoração", "automotive": "carros", "entertainment": "entretenimento",
    "business": "negócios", "art": "arte", "photography": "fotografia", "comedy": "humor",
    "outdoors": "aventura", "sustainability": "sustentabilidade",
}
COUNTRY_NAMES: dict[str, str] = {
    "US": "USA", "GB": "UK", "CA": "Canada", "IN": "India", "BR": "Brazil", "MX": "Mexico", "ES": "Spain",
    "KR": "Korea", "AU": "Australia", "DE": "Germany", "FR": "France", "NG": "Nigeria", "AE": "UAE", "IT": "Italy",
    "JP": "Japan", "CO": "Colombia", "AR": "Argentina",
}

POSTS: tuple[str, ...] = (
    "My current {t} routine, saved you a spot 👀 {tags}",
    "Week {n} of {t}: what worked, what didn't, and what I'd change. {tags}",
    "Everything you asked about {t}, answered in one place. {tags}",
    "Tried the viral {t} trend in {city} so you don't have to 😅 {tags}",
    "3 {t} mistakes I made so you can skip them. {tags}",
    "Q&A time! Drop your {t} questions below ⬇️ {tags}",
    "A slow Sunday in {city}: {t} and coffee. {tags}",
    "Beginner's guide to {t}. Save this for later! {tags}",
    "Hot take: most {t} advice online is overcomplicated. Here's mine. {tags}",
    "POV: you finally get into {t} {tags}",
)
SPONSORED_POSTS: tuple[str, ...] = (
    "Partnered with {brand} for this one: {t} made easy. #ad {tags}",
    "{brand} x me 💛 my {t} favorites are up now. #sponsored {tags}",
    "Honest review: is {brand} worth it for {t}? Full thoughts on my page. #ad",
    "Thank you {brand} for making my {t} era so much easier! #partner {tags}",
    "Using {brand} for {t} this month, here's what I noticed. #ad {tags}",
)
PLATFORM_POSTS: dict[str, tuple[str, ...]] = {
    "youtube": ("NEW VIDEO: the ultimate {t} guide ({year} edition)",
                "I tested {t} for 30 days. Here's what happened."),
    "twitch": ("LIVE NOW: {t} all night, come hang 🔴", "Stream tonight at 8pm: {t} + viewer games"),
    "linkedin": ("3 lessons from a year of {t}. The second one surprised me.",
                 "I've been asked a lot about {t} lately. Here is my honest framework."),
    "twitter": ("unpopular opinion: {t} is underrated", "thread 🧵 everything I learned about {t} this year"),
    "pinterest": ("{T} ideas to save for later", "Pin this: my favorite {t} inspo"),
}
