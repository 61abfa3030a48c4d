"""Demo reference data from the source documents in /work/shared/seeds (see seeds/README.md).

Loaded by ``manage.py seed_demo`` before every other demo module. Idempotent: every row is
found by its natural key (area name, outward code, programme name, strand slug, target scope
and period, partner name) and updated in place, so running it twice changes nothing.

What comes from where:

- ``data/areas.csv`` — local authorities, ONS codes and regions.
- ``data/outcodes.csv`` — the outward codes each authority covers. Each code belongs to the
  authority holding most of it; codes mostly outside these authorities (TS9 Stokesley, TS21
  Sedgefield, TS27 Blackhall, SN6 Highworth/Faringdon/Cricklade, DN9, S33 Hope Valley, L39
  Ormskirk, CH64 Neston…) are left out, so ``Area.for_postcode`` gives None for them.
- ``data/targets.csv`` — targets: Routes to Work minimum participants per authority
  (seed 000), Plan 500 opportunities per strand (seed 002, the 6 May 2011 table), Ambition
  SCR original targets per authority (seed 003, lines 28–70). The seeds' reported actuals
  are not loaded: reports compute actuals from records.
- ``PROGRAMMES`` and ``PARTNERS`` below — descriptions, eligibility and the organisations
  the seeds name. Contact details are invented: example.org addresses and Ofcom's drama
  numbers (01632 960xxx), with job titles rather than the named officers in the documents.
"""

import csv
import datetime
from pathlib import Path
from typing import Any

from django.utils.text import slugify

from brokerage.reference.models import (
    Area,
    AreaOutcode,
    Measure,
    Partner,
    PartnerStanding,
    PartnerType,
    Programme,
    Strand,
    Target,
)

DATA_DIR = Path(__file__).parent / "data"

TEES_VALLEY = [
    "Stockton-on-Tees",
    "Middlesbrough",
    "Redcar and Cleveland",
    "Hartlepool",
    "Darlington",
]
AMBITION_SCR = [
    "Bassetlaw",
    "Bolsover",
    "Chesterfield",
    "Derbyshire Dales",
    "North East Derbyshire",
]
LIVERPOOL_CITY_REGION = ["Halton", "Knowsley", "Liverpool", "Sefton", "St Helens", "Wirral"]

ROUTES_TO_WORK = "Routes to Work"
PLAN_500 = "Plan 500"
AMBITION = "Ambition SCR"
SUSTAINING = "Sustaining People into Work"

PROGRAMMES: list[dict[str, Any]] = [
    {
        "name": ROUTES_TO_WORK,
        "areas": TEES_VALLEY,
        # Local delivery proposals are dated 30 January 2018; the demo keeps the pilot open.
        "start_date": datetime.date(2018, 4, 1),
        "end_date": datetime.date(2029, 3, 31),
        "fallback_partner": "Tees Valley Combined Authority Routes to Work team",
        "description": (
            "Tees Valley Routes to Work is an intensive, person-centred employability pilot "
            "delivered by the five Tees Valley local authorities. Each participant has a "
            "dedicated key worker who assesses them within two weeks, agrees an individual "
            "action plan, removes barriers directly or through warm handovers to other "
            "services, brokers them into work with local employers and gives in-work support "
            "for up to 12 months, with sustainment checks at 3, 6, 9 and 12 months. Key workers "
            "can use a flexible fund for costs such as childcare, interview clothes and travel, "
            "and employer incentives where someone needs extra support to start.\n\nIndicative "
            "shares of delivery: Middlesbrough 26% (650 people), Stockton-on-Tees 25% (625), "
            "Redcar and Cleveland 20% (500), Hartlepool 16% (400) and Darlington 13% (325)."
        ),
        "eligibility_summary": (
            "Adults living in Stockton-on-Tees, Middlesbrough, Redcar and Cleveland, "
            "Hartlepool or Darlington who are long-term unemployed or out of work with a "
            "health condition, and who face several barriers to work (for example learning "
            "difficulties or disabilities, mental health, homelessness, offending, debt or "
            "caring responsibilities). Local priorities: Redcar and Cleveland works with "
            "residents aged 30 and over who are hardest to help; Hartlepool prioritises "
            "people with learning disabilities, mental health problems or long-term limiting "
            "illnesses, adults aged 50 plus, lone parents and the long-term unemployed. "
            "Referrals come from Jobcentre Plus, council teams and community organisations."
        ),
    },
    {
        "name": PLAN_500,
        "areas": ["Swindon"],
        # Launched to business in August 2010 as a 12-month project; the demo runs it in
        # 12-month cycles from 1 August, each with the original strand targets.
        "start_date": datetime.date(2010, 8, 1),
        "end_date": datetime.date(2029, 7, 31),
        "cycle_start_month": 8,
        "fallback_partner": "Forward Swindon",
        "description": (
            "Plan 500 is the single point of entry for Swindon employers who want to "
            "offer opportunities to young people aged 16 to 24. Designed by the Backing "
            "Young Swindon board, a partnership of local businesses and public services, "
            "it asks employers for 500 new work-related opportunities in 12 months across "
            "five strands: mentoring, apprenticeships, work experience, work-based "
            "qualifications and Diploma support to schools. Employers register once, "
            "online, and each enquiry or commitment is referred to the partner best "
            "placed to deal with it, so no employer is approached by several agencies for "
            "the same thing. Every opportunity must be additional to normal recruitment."
        ),
        "eligibility_summary": (
            "Young people aged 16 to 24 who live in Swindon: school pupils in years "
            "10 and 11 (work experience of up to 2 weeks, Diploma activity), 18 to "
            "24 year olds claiming Jobseeker's Allowance (work experience of 2 to 8 "
            "weeks), other unemployed young people, graduates in the Swindon Talent "
            "Pool and young employees working towards a qualification."
        ),
        "strands": [
            {
                "name": "Mentoring",
                "description": (
                    "100 young people mentored by members of the Swindon business "
                    "community. Mentors complete bespoke training and agree to mentor "
                    "at least two young people for up to 6 months, meeting face to "
                    "face about once a month under a signed mentoring agreement."
                ),
            },
            {
                "name": "Apprenticeships",
                "description": (
                    "150 new apprenticeship opportunities, working "
                    "with the National Apprenticeship Service."
                ),
            },
            {
                "name": "Work experience",
                "description": (
                    "150 new work experience opportunities in Swindon businesses: "
                    "up to 2 weeks for year 10 or 11 students, 2 to 8 weeks for "
                    "18 to 24 year old jobseekers, any suitable length for other "
                    "unemployed young people, mentees and the Swindon Talent Pool."
                ),
            },
            {
                "name": "Work-based qualifications",
                "description": (
                    "50 young employees achieving a work-based qualification, so "
                    "employers keep developing the young people they already employ."
                ),
            },
            {
                "name": "Diploma support to schools",
                "description": (
                    "50 more businesses linked to schools delivering Diplomas: Q&A sessions, "
                    "vocational talks, workshops, work experience and enterprise activity."
                ),
            },
        ],
    },
    {
        "name": AMBITION,
        "areas": AMBITION_SCR,
        # Cabinet approval September 2014; "drawing to a close" in the September 2017 report.
        "start_date": datetime.date(2014, 9, 1),
        "end_date": datetime.date(2017, 9, 30),
        "fallback_partner": "North East Derbyshire District Council Ambition team",
        "description": (
            "Ambition Sheffield City Region was a pilot employment support programme for "
            "young jobseekers, funded through the Sheffield City Region Local Enterprise "
            "Partnership from the Youth Contract underspend. North East Derbyshire "
            "District Council was the accountable body for five authorities (Bassetlaw, "
            "Bolsover, Chesterfield, Derbyshire Dales and North East Derbyshire) and "
            "delivered directly; the other authorities commissioned delivery. Outcomes "
            "were counted as starts, placements, job starts sustained for 4 weeks, jobs "
            "sustained for 26 weeks and progressions. The programme closed in 2017."
        ),
        "eligibility_summary": (
            "Young people aged 18 to 24 claiming Jobseeker's Allowance who had been "
            "unemployed for 6 months or more, living in one of the five authorities."
        ),
    },
    {
        "name": SUSTAINING,
        "areas": LIVERPOOL_CITY_REGION,
        # The compact followed the 2009/10 research; the demo keeps it open.
        "start_date": datetime.date(2010, 4, 1),
        "end_date": datetime.date(2029, 3, 31),
        "fallback_partner": "Liverpool City Region Employment Strategy Partnership",
        "description": (
            "Sustaining People into Work is the compact between housing associations across the "
            "Liverpool City Region, the six local authorities and Jobcentre Plus to tackle "
            "worklessness together. Housing providers own or manage over 140,000 social homes and "
            "employ some 6,400 people: they advertise their own vacancies to local residents, "
            "offer work placements, trials, training, mentoring, volunteering and apprenticeships "
            "directly or through contractors and suppliers, write local labour clauses into "
            "procurement, and give front-line employment advice and referral to tenants. In "
            "2009/10 they supported 464 apprenticeships and an estimated 500 permanent jobs."
        ),
        "eligibility_summary": (
            "Tenants and other residents of Halton, Knowsley, Liverpool, "
            "Sefton, St Helens and Wirral who are out of work or at risk "
            "of losing their job, including young people aged 16 to 25."
        ),
    },
]

# Each partner: name, type, areas, programmes, services, description, contact (a job title),
# email, capacity (open enquiries it can hold) and standing. Phone numbers are generated from
# Ofcom's drama range so none of them rings a real office.
PARTNERS: list[dict[str, Any]] = [
    # --- Tees Valley: Routes to Work (seed 000) -------------------------------------------
    {
        "name": "Tees Valley Combined Authority Routes to Work team",
        "partner_type": PartnerType.COUNCIL,
        "areas": TEES_VALLEY,
        "programmes": [ROUTES_TO_WORK],
        "services": (
            "Coordinates Routes to Work across the five authorities and "
            "picks up any employer enquiry that no local team can take, "
            "passing it to the right key worker team within two working days."
        ),
        "contact_name": "Routes to Work programme manager",
        "contact_email": "routestowork@example.org",
        "capacity": 40,
    },
    {
        "name": "Stockton Jobcentre Plus",
        "partner_type": PartnerType.JOBCENTRE_PLUS,
        "areas": ["Stockton-on-Tees"],
        "programmes": [ROUTES_TO_WORK],
        "services": (
            "Vacancy advertising and recruitment help for employers, work trials, "
            "sector-based work academies and pre-employment training, referrals to "
            "Routes to Work, and drop-in surgeries with the Routes to Work key workers."
        ),
        "description": "Works alongside the Routes to Work central hub in Stockton town centre.",
        "contact_name": "Employer adviser",
        "contact_email": "stockton.jcp@example.org",
        "capacity": 40,
    },
    {
        "name": "Billingham Jobcentre Plus",
        "partner_type": PartnerType.JOBCENTRE_PLUS,
        "areas": ["Stockton-on-Tees"],
        "programmes": [ROUTES_TO_WORK],
        "services": "Vacancy advertising, work trials and referrals to Routes to Work.",
        "contact_name": "Employer adviser",
        "contact_email": "billingham.jcp@example.org",
        "capacity": 25,
    },
    {
        "name": "Thornaby Jobcentre Plus",
        "partner_type": PartnerType.JOBCENTRE_PLUS,
        "areas": ["Stockton-on-Tees"],
        "programmes": [ROUTES_TO_WORK],
        "services": "Vacancy advertising, work trials and referrals to Routes to Work.",
        "contact_name": "Employer adviser",
        "contact_email": "thornaby.jcp@example.org",
        "capacity": 25,
    },
    {
        "name": "Middlesbrough Jobcentre Plus",
        "partner_type": PartnerType.JOBCENTRE_PLUS,
        "areas": ["Middlesbrough"],
        "programmes": [ROUTES_TO_WORK],
        "services": (
            "Vacancy advertising, sector-based work academies and "
            "referrals to the Middlesbrough Routes to Work team."
        ),
        "contact_name": "Employer adviser",
        "contact_email": "middlesbrough.jcp@example.org",
        "capacity": 40,
    },
    {
        "name": "Redcar Jobcentre Plus",
        "partner_type": PartnerType.JOBCENTRE_PLUS,
        "areas": ["Redcar and Cleveland"],
        "programmes": [ROUTES_TO_WORK],
        "services": (
            "Vacancy advertising and recruitment help; shares the Grangetown "
            "Training and Employment Hub with training providers and the council."
        ),
        "contact_name": "Employer adviser",
        "contact_email": "redcar.jcp@example.org",
        "capacity": 30,
    },
    {
        "name": "Hartlepool Jobcentre Plus",
        "partner_type": PartnerType.JOBCENTRE_PLUS,
        "areas": ["Hartlepool"],
        "programmes": [ROUTES_TO_WORK],
        "services": "Vacancy advertising, work trials and referrals to Routes to Work.",
        "contact_name": "Employer adviser",
        "contact_email": "hartlepool.jcp@example.org",
        "capacity": 30,
    },
    {
        "name": "Darlington Jobcentre Plus",
        "partner_type": PartnerType.JOBCENTRE_PLUS,
        "areas": ["Darlington"],
        "programmes": [ROUTES_TO_WORK],
        "services": "Vacancy advertising, work trials and referrals to Routes to Work.",
        "contact_name": "Employer adviser",
        "contact_email": "darlington.jcp@example.org",
        "capacity": 30,
    },
    {
        "name": "Stockton-on-Tees Borough Council Routes to Work team",
        "partner_type": PartnerType.COUNCIL,
        "areas": ["Stockton-on-Tees"],
        "programmes": [ROUTES_TO_WORK],
        "services": (
            "Key workers from a central hub and community spokes in Billingham, "
            "Roseworth and Thornaby; employer brokerage with the council's "
            "Business and Enterprise team; paid work placements of 16 hours a "
            "week for four months; in-work support for at least 12 months."
        ),
        "contact_name": "Principal Employability Officer",
        "contact_email": "rtw.stockton@example.org",
        "capacity": 30,
    },
    {
        "name": "Middlesbrough Community Learning Routes to Work team",
        "partner_type": PartnerType.COUNCIL,
        "areas": ["Middlesbrough"],
        "programmes": [ROUTES_TO_WORK],
        "services": (
            "Key workers using the 'Exploring your Potential' model; 'Steps Towards' "
            "courses designed with employers in care, security, cleaning, hospitality "
            "and construction, each ending in a guaranteed interview; training needs "
            "analysis for employers; up to 12 months of in-work support."
        ),
        "contact_name": "Head of Service",
        "contact_email": "rtw.middlesbrough@example.org",
        "capacity": 30,
    },
    {
        "name": "Redcar and Cleveland Routes to Employment team",
        "partner_type": PartnerType.COUNCIL,
        "areas": ["Redcar and Cleveland"],
        "programmes": [ROUTES_TO_WORK],
        "services": (
            "Key workers and mentors working from the Grangetown and Skinningrove Training "
            "and Recruitment Hubs and Redcar Central Library; work trials and work "
            "experience with local employers; volunteering and placements across the council."
        ),
        "contact_name": "Lead Advisor, Routes to Employment",
        "contact_email": "rtw.redcar@example.org",
        "capacity": 25,
    },
    {
        "name": "Hartlepool Borough Council Routes to Work team",
        "partner_type": PartnerType.COUNCIL,
        "areas": ["Hartlepool"],
        "programmes": [ROUTES_TO_WORK],
        "services": (
            "Employment advisers and employer engagement specialists based in Community "
            "Hubs, Hartlepool Enterprise Centre and a mobile hub; job clubs; flexible "
            "funding for training, childcare, travel, tools and interview clothing; "
            "in-work support for a year with Adult Education's pastoral support service."
        ),
        "contact_name": "Learning and Skills Manager",
        "contact_email": "rtw.hartlepool@example.org",
        "capacity": 25,
    },
    {
        "name": "Darlington Borough Council Routes to Work team",
        "partner_type": PartnerType.COUNCIL,
        "areas": ["Darlington"],
        "programmes": [ROUTES_TO_WORK],
        "services": (
            "A project coordinator and four key workers in the town centre; careers "
            "information, advice and guidance every 6 months; tutor support in ICT, English, "
            "maths and interview preparation; employer incentive funding for extra support."
        ),
        "contact_name": "Project Co-ordinator",
        "contact_email": "rtw.darlington@example.org",
        "capacity": 20,
    },
    {
        "name": "Step Forward Tees Valley",
        "partner_type": PartnerType.EMPLOYMENT_SUPPORT,
        "areas": TEES_VALLEY,
        "programmes": [ROUTES_TO_WORK],
        "services": (
            "Support into employment for people with complex needs, including mental "
            "and physical health barriers, through a network of community partners."
        ),
        "contact_name": "Partnership manager",
        "contact_email": "stepforward@example.org",
        "capacity": 20,
    },
    {
        "name": "Thirteen Group",
        "partner_type": PartnerType.HOUSING_PROVIDER,
        "areas": ["Stockton-on-Tees", "Middlesbrough", "Hartlepool"],
        "programmes": [ROUTES_TO_WORK],
        "services": (
            "Support for unemployed or disengaged tenants; the Discovery Programme "
            "sources and recruits temporary staff for Thirteen and its supply chain."
        ),
        "contact_name": "Employment and skills lead",
        "contact_email": "thirteen@example.org",
        "capacity": 20,
    },
    {
        "name": "Northstar Housing",
        "partner_type": PartnerType.HOUSING_PROVIDER,
        "areas": ["Stockton-on-Tees"],
        "programmes": [ROUTES_TO_WORK],
        "services": "Tenancy support and referrals of tenants looking for work.",
        "contact_name": "Tenancy support officer",
        "contact_email": "northstar@example.org",
        "capacity": 10,
    },
    {
        "name": "Coast & Country Housing",
        "partner_type": PartnerType.HOUSING_PROVIDER,
        "areas": ["Redcar and Cleveland"],
        "programmes": [ROUTES_TO_WORK],
        "services": (
            "Sits on the Redcar and Cleveland Routes to Work steering "
            "group; employment support for tenants at the Grangetown Hub."
        ),
        "contact_name": "Community investment officer",
        "contact_email": "coastandcountry@example.org",
        "capacity": 15,
    },
    {
        "name": "Stockton & District Advice and Information Service",
        "partner_type": PartnerType.VOLUNTARY,
        "areas": ["Stockton-on-Tees"],
        "programmes": [ROUTES_TO_WORK],
        "services": "Welfare rights, debt and money advice, better-off-in-work calculations.",
        "contact_name": "Advice services manager",
        "contact_email": "sdais@example.org",
        "capacity": 15,
    },
    {
        "name": "Tees Credit Union",
        "partner_type": PartnerType.VOLUNTARY,
        "areas": TEES_VALLEY,
        "programmes": [ROUTES_TO_WORK],
        "services": "Savings accounts and affordable loans; help with money management.",
        "contact_name": "Member services",
        "contact_email": "teescu@example.org",
        "capacity": 10,
    },
    {
        "name": "Breckon Hill Community Centre",
        "partner_type": PartnerType.VOLUNTARY,
        "areas": ["Middlesbrough"],
        "programmes": [ROUTES_TO_WORK],
        "services": (
            "'Steps Towards' provision linked to employers "
            "who offer participants a guaranteed interview."
        ),
        "contact_name": "Centre manager",
        "contact_email": "breckonhill@example.org",
        "capacity": 8,
        "standing": PartnerStanding.AT_CAPACITY,
    },
    {
        "name": "Middlesbrough Environment City",
        "partner_type": PartnerType.VOLUNTARY,
        "areas": ["Middlesbrough"],
        "programmes": [ROUTES_TO_WORK],
        "services": "Health-related activities such as home composting and healthy cooking.",
        "contact_name": "Projects coordinator",
        "contact_email": "mec@example.org",
        "capacity": 10,
    },
    {
        "name": "Redcar & Cleveland College",
        "partner_type": PartnerType.TRAINING_PROVIDER,
        "areas": ["Redcar and Cleveland", "Middlesbrough"],
        "programmes": [ROUTES_TO_WORK],
        "services": (
            "Vocational courses, English, maths and ICT, and short courses "
            "delivered in community venues and at the Grangetown Hub."
        ),
        "contact_name": "Employer partnerships manager",
        "contact_email": "rcc.employers@example.org",
        "capacity": 20,
    },
    {
        "name": "TTE Technical Training Group",
        "partner_type": PartnerType.TRAINING_PROVIDER,
        "areas": ["Redcar and Cleveland", "Middlesbrough", "Stockton-on-Tees"],
        "programmes": [ROUTES_TO_WORK],
        "services": "Engineering and process industry training and apprenticeships.",
        "contact_name": "Business development manager",
        "contact_email": "tte@example.org",
        "capacity": 15,
    },
    {
        "name": "Redcar & Cleveland Voluntary Development Agency",
        "partner_type": PartnerType.VOLUNTARY,
        "areas": ["Redcar and Cleveland"],
        "programmes": [ROUTES_TO_WORK],
        "services": "Volunteering opportunities and support for community groups.",
        "contact_name": "Volunteering coordinator",
        "contact_email": "rcvda@example.org",
        "capacity": 10,
    },
    {
        "name": "North East Health and Works Project",
        "partner_type": PartnerType.HEALTH,
        "areas": ["Redcar and Cleveland", "Middlesbrough"],
        "programmes": [ROUTES_TO_WORK],
        "services": (
            "Support for people whose mental or physical health stands between them and "
            "work: confidence, social and vocational skills, and condition management."
        ),
        "contact_name": "Health and work coordinator",
        "contact_email": "healthandworks@example.org",
        "capacity": 12,
    },
    {
        "name": "Darlington Association on Disability",
        "partner_type": PartnerType.VOLUNTARY,
        "areas": ["Darlington"],
        "programmes": [ROUTES_TO_WORK],
        "services": "Advice and employment support for disabled people and their employers.",
        "contact_name": "Employment support lead",
        "contact_email": "dad@example.org",
        "capacity": 12,
    },
    {
        "name": "Darlington Citizens Advice",
        "partner_type": PartnerType.VOLUNTARY,
        "areas": ["Darlington"],
        "programmes": [ROUTES_TO_WORK],
        "services": "Benefits, debt, housing and employment rights advice.",
        "contact_name": "Advice manager",
        "contact_email": "darlington.ca@example.org",
        "capacity": 15,
    },
    # --- Swindon: Plan 500 (seed 002) ------------------------------------------------------
    {
        "name": "Forward Swindon",
        "partner_type": PartnerType.BUSINESS_SUPPORT,
        "areas": ["Swindon"],
        "programmes": [PLAN_500],
        "services": (
            "Hosts the Plan 500 manager and the Backing Young Swindon board: "
            "the single point of contact for employers, who refers each "
            "enquiry or commitment to the partner best placed to deal with it, "
            "and manages mentoring agreements and Talent Pool introductions."
        ),
        "contact_name": "Plan 500 manager",
        "contact_email": "plan500@example.org",
        "capacity": 40,
    },
    {
        "name": "Swindon Jobcentre Plus",
        "partner_type": PartnerType.JOBCENTRE_PLUS,
        "areas": ["Swindon"],
        "programmes": [PLAN_500],
        "services": (
            "Promotes employers' work experience opportunities to young jobseekers, manages "
            "referrals of young people on benefits, and supports the Swindon Talent Pool."
        ),
        "contact_name": "Employer adviser",
        "contact_email": "swindon.jcp@example.org",
        "capacity": 40,
    },
    {
        "name": "National Apprenticeship Service (Swindon)",
        "partner_type": PartnerType.BUSINESS_SUPPORT,
        "areas": ["Swindon"],
        "programmes": [PLAN_500],
        "services": (
            "Helps employers take on apprentices: frameworks, funding and finding "
            "a training provider. Tracks apprenticeship starts with the council."
        ),
        "contact_name": "Apprenticeship relationship manager",
        "contact_email": "nas.swindon@example.org",
        "capacity": 25,
    },
    {
        "name": "Swindon Borough Council 13-19 Team",
        "partner_type": PartnerType.COUNCIL,
        "areas": ["Swindon"],
        "programmes": [PLAN_500],
        "services": (
            "Links employers with schools and colleges for work experience and "
            "Diploma activity (Q&A sessions, vocational presentations, workshops)."
        ),
        "contact_name": "14-19 partnership manager",
        "contact_email": "swindon.1319@example.org",
        "capacity": 20,
    },
    {
        "name": "GWE Businesswest",
        "partner_type": PartnerType.BUSINESS_SUPPORT,
        "areas": ["Swindon"],
        "programmes": [PLAN_500],
        "services": "Business advice and networks; promotes the Plan 500 mentor training.",
        "contact_name": "Business adviser",
        "contact_email": "gwe@example.org",
        "capacity": 15,
    },
    {
        "name": "Westlea Green Square Housing Association",
        "partner_type": PartnerType.HOUSING_PROVIDER,
        "areas": ["Swindon"],
        "programmes": [PLAN_500],
        "services": (
            "Represents medium-sized employers on the Backing Young Swindon board; offers "
            "work experience and apprenticeships, and employment support for tenants."
        ),
        "contact_name": "Community regeneration officer",
        "contact_email": "greensquare@example.org",
        "capacity": 10,
    },
    # --- Sheffield City Region: Ambition SCR (seed 003) ------------------------------------
    {
        "name": "North East Derbyshire District Council Ambition team",
        "partner_type": PartnerType.COUNCIL,
        "areas": AMBITION_SCR,
        "programmes": [AMBITION],
        "services": (
            "Accountable body for Ambition SCR across Bassetlaw, Bolsover, "
            "Chesterfield, Derbyshire Dales and North East Derbyshire; "
            "delivered the programme directly with up to six staff."
        ),
        "description": "Ambition SCR closed in 2017, so the team takes no new enquiries.",
        "contact_name": "Ambition project manager",
        "contact_email": "ambition.nedd@example.org",
        "capacity": 20,
        "standing": PartnerStanding.PAUSED,
    },
    {
        "name": "Sheffield City Council Employment and Skills",
        "partner_type": PartnerType.COUNCIL,
        "areas": ["Sheffield"],
        "programmes": [AMBITION],
        "services": (
            "Set the Ambition SCR targets; employment support "
            "and employer engagement for Sheffield residents."
        ),
        "contact_name": "Employment and skills manager",
        "contact_email": "sheffield.employment@example.org",
        "capacity": 30,
    },
    {
        "name": "Chesterfield Jobcentre Plus",
        "partner_type": PartnerType.JOBCENTRE_PLUS,
        "areas": ["Chesterfield", "North East Derbyshire", "Bolsover"],
        "programmes": [AMBITION],
        "services": "Vacancy advertising and referrals of young jobseekers.",
        "contact_name": "Employer adviser",
        "contact_email": "chesterfield.jcp@example.org",
        "capacity": 30,
    },
    {
        "name": "Worksop Jobcentre Plus",
        "partner_type": PartnerType.JOBCENTRE_PLUS,
        "areas": ["Bassetlaw"],
        "programmes": [AMBITION],
        "services": "Vacancy advertising and referrals of young jobseekers.",
        "contact_name": "Employer adviser",
        "contact_email": "worksop.jcp@example.org",
        "capacity": 20,
    },
    {
        "name": "Talent Match Sheffield City Region",
        "partner_type": PartnerType.VOLUNTARY,
        "areas": ["Sheffield", "Chesterfield", "North East Derbyshire", "Bolsover"],
        "programmes": [AMBITION],
        "services": (
            "Support for young people furthest from work; worked with Ambition and the "
            "Help for Single Homeless project on housing pathways for young people."
        ),
        "contact_name": "Youth worker",
        "contact_email": "talentmatch@example.org",
        "capacity": 15,
    },
    # --- Liverpool City Region: housing providers' compact (seed 004) -----------------------
    {
        "name": "Liverpool City Region Employment Strategy Partnership",
        "partner_type": PartnerType.COUNCIL,
        "areas": LIVERPOOL_CITY_REGION,
        "programmes": [SUSTAINING],
        "services": (
            "Hosts the compact's steering group and action plan; passes employer "
            "enquiries to the housing provider or employment service best placed to help."
        ),
        "contact_name": "Compact coordinator",
        "contact_email": "lcr.compact@example.org",
        "capacity": 30,
    },
    {
        "name": "Jobcentre Plus Merseyside",
        "partner_type": PartnerType.JOBCENTRE_PLUS,
        "areas": LIVERPOOL_CITY_REGION,
        "programmes": [SUSTAINING],
        "services": (
            "Advertises housing providers' vacancies with them; outreach such as the Ways2Work "
            "pilot in West Everton; developing a framework for working with housing providers."
        ),
        "contact_name": "Partnership manager",
        "contact_email": "merseyside.jcp@example.org",
        "capacity": 40,
    },
    {
        "name": "Liverpool Mutual Homes",
        "partner_type": PartnerType.HOUSING_PROVIDER,
        "areas": ["Liverpool"],
        "programmes": [SUSTAINING],
        "services": (
            "Local labour requirement on its investment programme: jobs and "
            "apprenticeships with framework contractors, sub-contractors and suppliers."
        ),
        "contact_name": "Employment and skills manager",
        "contact_email": "lmh@example.org",
        "capacity": 20,
    },
    {
        "name": "Plus Dane Group",
        "partner_type": PartnerType.HOUSING_PROVIDER,
        "areas": ["Liverpool", "Knowsley", "Halton"],
        "programmes": [SUSTAINING],
        "services": (
            "The CoNet front-line support and referral project for "
            "workless tenants; 40 to 90 apprentice and trainee operatives "
            "a year at its social enterprise, IN Environmental Services."
        ),
        "contact_name": "Neighbourhood investment manager",
        "contact_email": "plusdane@example.org",
        "capacity": 20,
    },
    {
        "name": "Riverside Housing",
        "partner_type": PartnerType.HOUSING_PROVIDER,
        "areas": ["Liverpool", "Wirral", "Halton"],
        "programmes": [SUSTAINING],
        "services": (
            "The Springboard team's needs-based support for workless residents; a "
            "Streets Ahead guidance officer at its Berrybridge office five days a week."
        ),
        "contact_name": "Springboard team leader",
        "contact_email": "riverside@example.org",
        "capacity": 15,
    },
    {
        "name": "South Liverpool Housing",
        "partner_type": PartnerType.HOUSING_PROVIDER,
        "areas": ["Liverpool"],
        "programmes": [SUSTAINING],
        "services": (
            "Hosts an adviser for jobs, education and training, with drop-in "
            "surgeries on Tuesdays and Thursdays, particularly for lone parents."
        ),
        "contact_name": "Employment adviser",
        "contact_email": "slh@example.org",
        "capacity": 10,
    },
    {
        "name": "Knowsley Housing Trust",
        "partner_type": PartnerType.HOUSING_PROVIDER,
        "areas": ["Knowsley"],
        "programmes": [SUSTAINING],
        "services": (
            "Supports social enterprises that create jobs and "
            "apprenticeships, such as Oasis Gardening Services."
        ),
        "contact_name": "Social enterprise manager",
        "contact_email": "kht@example.org",
        "capacity": 15,
    },
    {
        "name": "Halton Housing Trust",
        "partner_type": PartnerType.HOUSING_PROVIDER,
        "areas": ["Halton"],
        "programmes": [SUSTAINING],
        "services": (
            "Neighbourhood Employment Engagement Officers who refer unemployed "
            "customers on to advice, work experience, training and enterprise support."
        ),
        "contact_name": "Neighbourhood Employment Engagement Officer",
        "contact_email": "hht@example.org",
        "capacity": 15,
    },
    {
        "name": "Halton People into Jobs",
        "partner_type": PartnerType.COUNCIL,
        "areas": ["Halton"],
        "programmes": [SUSTAINING],
        "services": (
            "Advice and guidance, job matching, waged and unwaged work "
            "experience, work tasters and business start-up support."
        ),
        "contact_name": "Employment adviser",
        "contact_email": "hpij@example.org",
        "capacity": 25,
    },
    {
        "name": "Helena Partnerships",
        "partner_type": PartnerType.HOUSING_PROVIDER,
        "areas": ["St Helens"],
        "programmes": [SUSTAINING],
        "services": (
            "'Pathways for young people': a hub of partners offering engagement projects, "
            "placements and trainee posts that lead into education, training or work."
        ),
        "contact_name": "Pathways coordinator",
        "contact_email": "helena@example.org",
        "capacity": 12,
    },
    {
        "name": "One Vision Housing",
        "partner_type": PartnerType.HOUSING_PROVIDER,
        "areas": ["Sefton"],
        "programmes": [SUSTAINING],
        "services": (
            "Joint action plan with Sefton@Work: outreach to "
            "residents, joint referral and welfare benefits advice."
        ),
        "contact_name": "Financial inclusion officer",
        "contact_email": "ovh@example.org",
        "capacity": 12,
    },
    {
        "name": "Sefton@Work",
        "partner_type": PartnerType.COUNCIL,
        "areas": ["Sefton"],
        "programmes": [SUSTAINING],
        "services": "Employment advice, job matching and recruitment help for employers.",
        "contact_name": "Employer liaison officer",
        "contact_email": "seftonatwork@example.org",
        "capacity": 25,
    },
    {
        "name": "Wirral Partnership Homes",
        "partner_type": PartnerType.HOUSING_PROVIDER,
        "areas": ["Wirral"],
        "programmes": [SUSTAINING],
        "services": (
            "A partner in ReachOut Wirral: jobs, CV and employment advice, "
            "training, debt and welfare benefits advice for residents."
        ),
        "contact_name": "ReachOut coordinator",
        "contact_email": "wph@example.org",
        "capacity": 15,
    },
    {
        "name": "Arena Housing Group",
        "partner_type": PartnerType.HOUSING_PROVIDER,
        "areas": ["Wirral"],
        "programmes": [SUSTAINING],
        "services": (
            "Futures, its social enterprise, offers green apprenticeships, training "
            "and volunteering, and work in health and social care and retail."
        ),
        "contact_name": "Futures manager",
        "contact_email": "arena@example.org",
        "capacity": 10,
    },
    {
        "name": "Liverpool JET",
        "partner_type": PartnerType.EMPLOYMENT_SUPPORT,
        "areas": ["Liverpool"],
        "programmes": [SUSTAINING],
        "services": (
            "Jobs, education and training service, including Streets Ahead outreach and "
            "employment sustainment support to help people keep their job once in work."
        ),
        "contact_name": "Streets Ahead manager",
        "contact_email": "jet@example.org",
        "capacity": 25,
    },
]


def load(stdout, *, today: datetime.date | None = None) -> None:
    today = today or datetime.date.today()
    areas = _load_areas()
    outcodes = _load_outcodes(areas)
    programmes = _load_programmes(areas)
    strands = _load_strands(programmes)
    targets = _load_targets(programmes, strands, areas, today)
    partners = _load_partners(areas, programmes)
    for spec in PROGRAMMES:
        programme = programmes[spec["name"]]
        programme.fallback_partner = partners[spec["fallback_partner"]]
        programme.save(update_fields=["fallback_partner"])
    stdout.write(
        f"Reference data: {len(areas)} areas, {outcodes} outward codes, {len(programmes)} "
        f"programmes, {len(strands)} strands, {targets} targets, {len(partners)} partners."
    )


def _rows(filename: str) -> list[dict[str, str]]:
    with (DATA_DIR / filename).open(newline="") as handle:
        return list(csv.DictReader(handle))


def _load_areas() -> dict[str, Area]:
    areas = {}
    for row in _rows("areas.csv"):
        area, _ = Area.objects.update_or_create(
            name=row["area"],
            defaults={
                "slug": slugify(row["area"]),
                "code": row["ons_code"],
                "region": row["region"],
            },
        )
        areas[area.name] = area
    return areas


def _load_outcodes(areas: dict[str, Area]) -> int:
    rows = _rows("outcodes.csv")
    for row in rows:
        AreaOutcode.objects.update_or_create(
            code=row["outcode"].upper(), defaults={"area": areas[row["area"]]}
        )
    return len(rows)


def _load_programmes(areas: dict[str, Area]) -> dict[str, Programme]:
    programmes = {}
    for spec in PROGRAMMES:
        programme, _ = Programme.objects.update_or_create(
            name=spec["name"],
            defaults={
                "slug": slugify(spec["name"]),
                "description": spec["description"],
                "eligibility_summary": spec["eligibility_summary"],
                "start_date": spec["start_date"],
                "end_date": spec["end_date"],
            },
        )
        programme.areas.set([areas[name] for name in spec["areas"]])
        programmes[programme.name] = programme
    return programmes


def _load_strands(programmes: dict[str, Programme]) -> dict[tuple[str, str], Strand]:
    strands = {}
    for spec in PROGRAMMES:
        programme = programmes[spec["name"]]
        for order, strand_spec in enumerate(spec.get("strands", []), start=1):
            strand, _ = Strand.objects.update_or_create(
                programme=programme,
                slug=slugify(strand_spec["name"]),
                defaults={
                    "name": strand_spec["name"],
                    "description": strand_spec["description"],
                    "order": order,
                },
            )
            strands[(programme.name, strand.name)] = strand
    return strands


def target_period(spec: dict, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The whole programme, or (for a programme run in yearly cycles) the current cycle."""
    month = spec.get("cycle_start_month")
    if not month:
        return spec["start_date"], spec["end_date"]
    year = today.year if today.month >= month else today.year - 1
    start = datetime.date(year, month, 1)
    return start, datetime.date(year + 1, month, 1) - datetime.timedelta(days=1)


def _load_targets(programmes, strands, areas, today: datetime.date) -> int:
    specs = {spec["name"]: spec for spec in PROGRAMMES}
    rows = _rows("targets.csv")
    for row in rows:
        name = row["programme"]
        period_start, period_end = target_period(specs[name], today)
        Target.objects.update_or_create(
            programme=programmes[name],
            strand=strands[(name, row["strand"])] if row["strand"] else None,
            area=areas[row["area"]] if row["area"] else None,
            measure=Measure(row["measure"]),
            period_start=period_start,
            defaults={"period_end": period_end, "value": int(row["value"])},
        )
    return len(rows)


def _load_partners(areas, programmes) -> dict[str, Partner]:
    partners = {}
    for index, spec in enumerate(PARTNERS):
        partner, _ = Partner.objects.update_or_create(
            name=spec["name"],
            defaults={
                "slug": slugify(spec["name"])[:200],
                "partner_type": spec["partner_type"],
                "services": spec["services"],
                "description": spec.get("description", ""),
                "contact_name": spec["contact_name"],
                "contact_email": spec["contact_email"],
                "contact_phone": f"01632 960{index:03d}",
                "capacity": spec["capacity"],
                "standing": spec.get("standing", PartnerStanding.ACTIVE),
                "show_in_directory": spec.get("show_in_directory", True),
            },
        )
        partner.areas.set([areas[name] for name in spec["areas"]])
        partner.programmes.set([programmes[name] for name in spec["programmes"]])
        partners[partner.name] = partner
    return partners
