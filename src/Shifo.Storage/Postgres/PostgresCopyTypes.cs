using Npgsql;
using NpgsqlTypes;

namespace Shifo.Storage.Postgres;

/// <summary>
/// The column types of the tables the write path fills by binary COPY, as the DDL of <see cref="PostgresDialect"/>
/// declares them: binary COPY sends each value in the column's exact wire format (an int into a smallint column, or
/// a long into a double one, is refused), so every value is converted to its column's type first.
/// </summary>
internal static class PostgresCopyTypes
{
    private static readonly NpgsqlDbType[] IndexKey =
        [NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Integer, NpgsqlDbType.Integer];

    private static NpgsqlDbType[] Index(params NpgsqlDbType[] values) => [.. IndexKey, .. values];

    private const NpgsqlDbType T = NpgsqlDbType.Text, D = NpgsqlDbType.Double, B = NpgsqlDbType.Bigint;

    private static readonly Dictionary<string, (string[] Columns, NpgsqlDbType[] Types)> Tables = new()
    {
        ["resource_version"] = (["res_type", "res_id", "version_id", "last_updated", "change", "json"],
            [T, T, B, B, NpgsqlDbType.Smallint, NpgsqlDbType.Bytea]),
        ["resource"] = (["res_type", "res_id", "version_id", "last_updated", "is_deleted"], [T, T, B, B, NpgsqlDbType.Boolean]),
        ["idx_string"] = (Columns("value_norm", "value_exact"), Index(T, T)),
        ["idx_token"] = (Columns("system", "code", "text_norm", "type_system", "type_code"), Index(T, T, T, T, T)),
        ["idx_reference"] = (Columns("target_type", "target_id", "target_version", "url", "ident_system", "ident_value"), Index(T, T, T, T, T, T)),
        ["idx_date"] = (Columns("low", "high"), Index(B, B)),
        ["idx_number"] = (Columns("value", "low", "high"), Index(D, D, D)),
        ["idx_quantity"] = (Columns("system", "code", "value", "low", "high", "norm_code", "norm_value", "norm_low", "norm_high"),
            Index(T, T, D, D, D, T, D, D, D)),
        ["idx_uri"] = (Columns("uri"), Index(T)),
    };

    private static string[] Columns(params string[] values) => ["res_type", "res_id", "version_id", "param", "grp", "comp", .. values];

    /// <summary>The types for exactly these columns of a known table; false for anything else (the caller INSERTs).</summary>
    public static bool TryOf(string table, IReadOnlyList<string> columns, out NpgsqlDbType[] types)
    {
        types = [];
        if (!Tables.TryGetValue(table, out var known) || !known.Columns.SequenceEqual(columns)) return false;
        types = known.Types;
        return true;
    }

    /// <summary>
    /// Column <paramref name="column"/> of <paramref name="rows"/> as one typed array parameter (for
    /// <c>unnest</c>), each value converted to the column's type as COPY would; nulls stay null.
    /// </summary>
    public static NpgsqlParameter ArrayOf(IReadOnlyList<object?[]> rows, int column, NpgsqlDbType type)
    {
        object values = type switch
        {
            NpgsqlDbType.Text => Column(rows, column, v => v as string ?? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)),
            NpgsqlDbType.Bigint => Column(rows, column, v => (long?)Convert.ToInt64(v)),
            NpgsqlDbType.Integer => Column(rows, column, v => (int?)Convert.ToInt32(v)),
            NpgsqlDbType.Smallint => Column(rows, column, v => (short?)Convert.ToInt16(v)),
            NpgsqlDbType.Double => Column(rows, column, v => (double?)Convert.ToDouble(v)),
            NpgsqlDbType.Boolean => Column(rows, column, v => (bool?)(bool)v),
            NpgsqlDbType.Bytea => Column(rows, column, v => (byte[])v),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };
        return new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | type, Value = values };
    }

    private static T?[] Column<T>(IReadOnlyList<object?[]> rows, int column, Func<object, T?> convert)
    {
        var values = new T?[rows.Count];
        for (var i = 0; i < values.Length; i++)
            if (rows[i][column] is { } v) values[i] = convert(v);
        return values;
    }

    /// <summary>The SQL type name of <paramref name="type"/>, for the casts of an <c>unnest</c> insert.</summary>
    public static string SqlName(NpgsqlDbType type) => type switch
    {
        NpgsqlDbType.Text => "text",
        NpgsqlDbType.Bigint => "bigint",
        NpgsqlDbType.Integer => "integer",
        NpgsqlDbType.Smallint => "smallint",
        NpgsqlDbType.Double => "double precision",
        NpgsqlDbType.Boolean => "boolean",
        NpgsqlDbType.Bytea => "bytea",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static Task WriteAsync(NpgsqlBinaryImporter importer, object value, NpgsqlDbType type, CancellationToken ct) => type switch
    {
        NpgsqlDbType.Text => importer.WriteAsync(value as string ?? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!, type, ct),
        NpgsqlDbType.Bigint => importer.WriteAsync(Convert.ToInt64(value), type, ct),
        NpgsqlDbType.Integer => importer.WriteAsync(Convert.ToInt32(value), type, ct),
        NpgsqlDbType.Smallint => importer.WriteAsync(Convert.ToInt16(value), type, ct),
        NpgsqlDbType.Double => importer.WriteAsync(Convert.ToDouble(value), type, ct),
        NpgsqlDbType.Boolean => importer.WriteAsync((bool)value, type, ct),
        _ => importer.WriteAsync(value, type, ct),
    };
}
