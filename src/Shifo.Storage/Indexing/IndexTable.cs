namespace Shifo.Storage.Indexing;

/// <summary>
/// One index table: every row carries (res_type, res_id, version_id, param, grp, comp) and then the value columns
/// listed here. grp and comp are set for a composite parameter's components: the rows of one composite value share
/// grp, comp is the component's position. The DDL of each dialect declares exactly these columns.
/// </summary>
public sealed class IndexTable
{
    private IndexTable(string name, params string[] valueColumns)
    {
        Name = name;
        ValueColumns = valueColumns;
    }

    public string Name { get; }
    public IReadOnlyList<string> ValueColumns { get; }

    public static readonly IReadOnlyList<string> KeyColumns = ["res_type", "res_id", "version_id", "param", "grp", "comp"];

    public static readonly IndexTable String = new("idx_string", "value_norm", "value_exact");
    // type_system/type_code: an Identifier's type coding, for :of-type (schema version 2)
    public static readonly IndexTable Token = new("idx_token", "system", "code", "text_norm", "type_system", "type_code");
    public static readonly IndexTable Reference = new("idx_reference", "target_type", "target_id", "target_version", "url", "ident_system", "ident_value");
    public static readonly IndexTable Date = new("idx_date", "low", "high");
    public static readonly IndexTable Number = new("idx_number", "value", "low", "high");
    public static readonly IndexTable Quantity = new("idx_quantity", "system", "code", "value", "low", "high", "norm_code", "norm_value", "norm_low", "norm_high");
    public static readonly IndexTable Uri = new("idx_uri", "uri");

    public static readonly IReadOnlyList<IndexTable> All = [String, Token, Reference, Date, Number, Quantity, Uri];

    /// <summary>The table for a search parameter type (string, token, ...), null for types without one (special).</summary>
    public static IndexTable? ForParameterType(string type) => type switch
    {
        "string" => String,
        "token" => Token,
        "reference" => Reference,
        "date" => Date,
        "number" => Number,
        "quantity" => Quantity,
        "uri" => Uri,
        _ => null,
    };

    public override string ToString() => Name;
}

/// <summary>One index row: a parameter's value in the table's column order.</summary>
public sealed record IndexRow(IndexTable Table, string Param, int? Group, int? Component, object?[] Values);
