namespace Shifo.Server.Security.Scopes;

/// <summary>The SMART v2 permissions: create, read, update, delete, search (written "cruds", in that order).</summary>
[Flags]
public enum ScopeActions
{
    None = 0,
    Create = 1,
    Read = 2,
    Update = 4,
    Delete = 8,
    Search = 16,
    All = Create | Read | Update | Delete | Search,
}

/// <summary>Whose data a scope reaches: one patient's (patient/), what the user may see (user/), or a system's (system/).</summary>
public enum ScopeContext
{
    Patient,
    User,
    System,
}
