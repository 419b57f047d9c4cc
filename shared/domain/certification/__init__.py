"""Certification and re-certification of AEO tiers (Order 282 Arts 8, 17-23), pure domain.

Modules (import them directly; this package re-exports nothing so the rule pack can import
`standards` without a cycle):

- `standards`: the certification standard's items and what a `standard_id` names;
- `scoring`: audit validation and the score against the pack's pass marks;
- `clock`: the decision deadline with suspensions and the extension (`CaseClock`);
- `eligibility`: who may apply on a day, refusals as data;
- `certifiers`: conflict-of-interest screening and the deterministic choice of certifiers;
- `case`: case statuses and the transitions officers, the enterprise and the system may make;
- `outcome`: the tier change and application bar a closed case leads to;
- `recertification`: which re-certification cases are due on a day and on which route;
- `errors`: the domain errors the transitions raise.

Every figure (points, pass marks, days, months) is in the rule pack's `certification` section
(`shared.domain.rules.certification`); the functions here take that section as an argument.
"""
