"""The console's areas, one module each; district.console.app includes them in this order."""

from district.console.routes import (
    accounts,
    audit_log,
    cards,
    catalogue,
    conflicts,
    credits,
    donors,
    exports,
    families,
    home,
    kiosks,
    partner,
    redeem,
    reports,
    settings,
    volunteers,
)

AREAS = [home.area, volunteers.area, credits.area, cards.area, catalogue.area, donors.area,
         kiosks.area, families.area, conflicts.area, reports.area, settings.area, accounts.area,
         audit_log.area, partner.area, redeem.area, exports.area]
