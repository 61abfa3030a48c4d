"""Shared vocabularies. Matching compares these values, so every app uses the same lists."""

from django.db import models


class Sector(models.TextChoices):
    CONSTRUCTION = "construction", "Construction"
    HOSPITALITY = "hospitality", "Hospitality and catering"
    RETAIL = "retail", "Retail"
    HEALTH_CARE = "health_care", "Health and social care"
    LOGISTICS = "logistics", "Transport, logistics and warehousing"
    MANUFACTURING = "manufacturing", "Manufacturing and engineering"
    BUSINESS = "business", "Business, finance and administration"
    DIGITAL = "digital", "Digital and IT"
    PUBLIC_SERVICES = "public_services", "Public services"
    HOUSING = "housing", "Housing and facilities"
    SECURITY = "security", "Security"
    CUSTOMER_SERVICE = "customer_service", "Customer service and contact centres"
    CREATIVE = "creative", "Creative and media"
    ENERGY = "energy", "Energy and environment"
    EDUCATION = "education", "Education and childcare"
    OTHER = "other", "Other"


class SizeBand(models.TextChoices):
    MICRO = "micro", "1 to 9 employees"
    SMALL = "small", "10 to 49 employees"
    MEDIUM = "medium", "50 to 249 employees"
    LARGE = "large", "250 or more employees"


class Licence(models.TextChoices):
    CSCS = "cscs", "CSCS card"
    SIA = "sia", "SIA licence"
    FOOD_HYGIENE = "food_hygiene", "Food hygiene certificate"
    FIRST_AID = "first_aid", "First aid certificate"
    FORKLIFT = "forklift", "Forklift licence"
    DRIVING = "driving", "Full driving licence"
    DBS = "dbs", "DBS check"
    HGV = "hgv", "HGV licence"
    PASMA = "pasma", "PASMA or IPAF certificate"


class Barrier(models.TextChoices):
    CHILDCARE = "childcare", "Childcare"
    TRANSPORT = "transport", "Transport"
    HEALTH = "health", "Health or disability"
    HOUSING = "housing", "Housing"
    DEBT = "debt", "Debt"
    CONFIDENCE = "confidence", "Confidence"
    ENGLISH = "english", "English skills"
    MATHS = "maths", "Maths skills"
    DIGITAL = "digital", "Digital skills"
    OFFENDING = "offending", "Offending history"
    CARING = "caring", "Caring responsibilities"


class Adjustment(models.TextChoices):
    FLEXIBLE_HOURS = "flexible_hours", "Flexible hours"
    PART_TIME = "part_time", "Part-time hours"
    STEP_FREE = "step_free", "Step-free access"
    QUIET_SPACE = "quiet_space", "Quiet working space"
    WORK_COACH = "job_coach", "Job coach welcome on site"
    ADAPTED_EQUIPMENT = "adapted_equipment", "Adapted equipment"
    ADAPTED_INTERVIEW = "adapted_interview", "Adapted interview (questions in advance, extra time)"
    CHILDCARE_HOURS = "school_hours", "Hours that fit school times"


class DisabilityConfident(models.TextChoices):
    NONE = "", "Not signed up"
    COMMITTED = "committed", "Disability Confident Committed (level 1)"
    EMPLOYER = "employer", "Disability Confident Employer (level 2)"
    LEADER = "leader", "Disability Confident Leader (level 3)"
