"""The standard modules the connector writes: Accounts, Vendors and Contacts, with their fields.

Field API names follow the reference §3.1 (Zoho's SDK constants); types and lengths follow
Zoho's defaults for a new org. Mandatory: Account_Name, Vendor_Name, Last_Name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .fields import FieldDef
from .ids import IdMint

__all__ = ["SYSTEM_FIELDS", "Module", "standard_modules"]

# (api name, data type, length, extra) where extra names a lookup target, "mandatory",
# "read_only" or a comma-separated picklist.
Spec = tuple[str, str, int, str]

SYSTEM_FIELDS: tuple[Spec, ...] = (
    ("Owner", "ownerlookup", 0, ""),
    ("Created_By", "ownerlookup", 0, "read_only"),
    ("Created_Time", "datetime", 0, "read_only"),
    ("Modified_By", "ownerlookup", 0, "read_only"),
    ("Modified_Time", "datetime", 0, "read_only"),
    ("Last_Activity_Time", "datetime", 0, "read_only"),
    ("Record_Status__s", "picklist", 0, "read_only"),
    ("Locked__s", "boolean", 0, "read_only"),
    ("Tag", "tag", 0, "read_only"),
)

ADDRESS = ("Street", 250), ("City", 30), ("State", 30), ("Code", 30), ("Country", 30)

ACCOUNTS: tuple[Spec, ...] = (
    ("Account_Name", "text", 200, "mandatory"),
    ("Account_Number", "text", 40, ""),
    ("Account_Site", "text", 80, ""),
    ("Account_Type", "picklist", 120, "Analyst,Competitor,Customer,Distributor,Integrator"),
    ("Annual_Revenue", "currency", 16, ""),
    *((f"Billing_{part}", "text", size, "") for part, size in ADDRESS),
    *((f"Shipping_{part}", "text", size, "") for part, size in ADDRESS),
    ("Description", "textarea", 32000, ""),
    ("Employees", "integer", 9, ""),
    ("Fax", "phone", 30, ""),
    ("Industry", "picklist", 120, "ASP,Data/Telecom OEM,ERP,Government/Military,Large Enterprise"),
    ("Ownership", "picklist", 120, "Other,Private,Public,Subsidiary,Partnership,Government"),
    ("Parent_Account", "lookup", 0, "Accounts"),
    ("Phone", "phone", 30, ""),
    ("Rating", "picklist", 120, "Acquired,Active,Market Failed,Project Cancelled,Shut Down"),
    ("SIC_Code", "integer", 9, ""),
    ("Ticker_Symbol", "text", 30, ""),
    ("Website", "website", 255, ""),
    ("Currency", "picklist", 120, "USD,EUR,GBP"),
    ("Exchange_Rate", "double", 16, ""),
    ("Territories", "territories", 0, "read_only"),
)

VENDORS: tuple[Spec, ...] = (
    ("Vendor_Name", "text", 120, "mandatory"),
    ("Email", "email", 100, ""),
    ("Phone", "phone", 30, ""),
    ("Website", "website", 255, ""),
    ("Category", "text", 120, ""),
    ("GL_Account", "picklist", 120, "Sales-Software,Sales-Hardware,Rental-Income,Interest-Income"),
    ("Street", "text", 250, ""),
    ("City", "text", 30, ""),
    ("State", "text", 30, ""),
    ("Zip_Code", "text", 30, ""),
    ("Country", "text", 30, ""),
    ("Description", "textarea", 32000, ""),
    ("Email_Opt_Out", "boolean", 0, ""),
    ("Unsubscribed_Mode", "picklist", 120, "read_only"),
    ("Unsubscribed_Time", "datetime", 0, "read_only"),
)

CONTACT_ADDRESS = ("Street", 250), ("City", 30), ("State", 30), ("Zip", 30), ("Country", 30)

CONTACTS: tuple[Spec, ...] = (
    ("First_Name", "text", 40, ""),
    ("Last_Name", "text", 80, "mandatory"),
    ("Full_Name", "text", 161, "read_only"),
    ("Salutation", "picklist", 120, "Mr.,Mrs.,Ms.,Dr.,Prof."),
    ("Email", "email", 100, ""),
    ("Secondary_Email", "email", 100, ""),
    *((name, "phone", 30, "") for name in ("Phone", "Mobile", "Home_Phone", "Other_Phone")),
    ("Fax", "phone", 30, ""),
    ("Assistant", "text", 30, ""),
    ("Asst_Phone", "phone", 30, ""),
    ("Title", "text", 100, ""),
    ("Department", "text", 30, ""),
    ("Date_of_Birth", "date", 0, ""),
    ("Account_Name", "lookup", 0, "Accounts"),
    ("Vendor_Name", "lookup", 0, "Vendors"),
    ("Reporting_To", "lookup", 0, "Contacts"),
    ("Lead_Source", "picklist", 120, "Advertisement,Cold Call,Employee Referral,Web Download"),
    ("Email_Opt_Out", "boolean", 0, ""),
    ("Skype_ID", "text", 50, ""),
    ("Twitter", "text", 50, ""),
    *((f"Mailing_{part}", "text", size, "") for part, size in CONTACT_ADDRESS),
    *((f"Other_{part}", "text", size, "") for part, size in CONTACT_ADDRESS),
    ("Description", "textarea", 32000, ""),
    ("Territories", "territories", 0, "read_only"),
)

# Upsert's system-defined duplicate-check field per module (reference §2.3).
DUPLICATE_CHECK = {"Accounts": "Account_Name", "Vendors": "Vendor_Name", "Contacts": "Email"}


@dataclass
class Module:
    """A module: its id, its fields by API name and its system duplicate-check field."""

    api_name: str
    id: str
    system_duplicate_check: str
    fields: dict[str, FieldDef] = field(default_factory=dict)

    def unique_fields(self) -> list[FieldDef]:
        """User-defined unique fields ("Do not allow duplicate values"), in creation order."""
        return [f for f in self.fields.values() if f.unique]


def _field(spec: Spec, mint: IdMint) -> FieldDef:
    api_name, data_type, length, extra = spec
    fd = FieldDef(api_name, api_name.replace("__s", "").replace("_", " "), data_type, mint.new())
    fd.length = length
    fd.system_mandatory = extra == "mandatory"
    fd.read_only = extra == "read_only"
    if data_type == "lookup":
        fd.lookup_module = extra
    elif data_type == "picklist" and extra not in ("", "read_only"):
        fd.picklist = extra.split(",")
        fd.picklist_ids = {value: mint.new() for value in fd.picklist}
    return fd


def _module(name: str, specs: tuple[Spec, ...], mint: IdMint) -> Module:
    module = Module(name, mint.new(), DUPLICATE_CHECK[name])
    for spec in (*specs, *SYSTEM_FIELDS):
        module.fields[spec[0]] = _field(spec, mint)
    return module


def standard_modules(mint: IdMint) -> dict[str, Module]:
    """Fresh Accounts, Vendors and Contacts modules of a new org."""
    tables = {"Accounts": ACCOUNTS, "Vendors": VENDORS, "Contacts": CONTACTS}
    return {name: _module(name, specs, mint) for name, specs in tables.items()}
