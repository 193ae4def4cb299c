"""The controlled list of service areas case studies are filed under (editors may add more)."""

SERVICE_AREAS = [
    ("Adult social care", "Care and support for adults, carers and care markets."),
    ("Children's services", "Children's social care, SEND, early help and education."),
    ("Housing", "Homelessness, housing supply, standards and tenancy support."),
    ("Planning", "Local plans, development management and building control."),
    ("Waste and recycling", "Collection, recycling, street cleansing and fly-tipping."),
    ("Finance", "Budgets, income, procurement and financial resilience."),
    ("Digital and data", "Digital services, data, technology and cyber security."),
    ("Workforce", "Recruitment, retention, skills and organisational culture."),
    ("Community safety", "Anti-social behaviour, domestic abuse and licensing."),
    ("Public health", "Prevention, health inequalities and healthy places."),
    ("Climate and environment", "Net zero, adaptation, nature and air quality."),
    ("Economic development", "Growth, skills, high streets and regeneration."),
    ("Governance", "Democracy, scrutiny, risk, transparency and assurance."),
    ("Transport and highways", "Roads, active travel, parking and public transport."),
    ("Culture, leisure and libraries", "Libraries, leisure, arts and heritage."),
]
