namespace Shifo.Fhir.FhirPath;

/// <summary>+ - * / div mod and unary minus over Integer, Decimal, String, Quantity and date/time values.</summary>
internal static class Arithmetic
{
    public static IReadOnlyList<object> Apply(string op, IReadOnlyList<object> l, IReadOnlyList<object> r)
    {
        var a = Collections.SingleOrNone(l, $"'{op}'");
        var b = Collections.SingleOrNone(r, $"'{op}'");
        if (a is null || b is null) return Collections.Empty;
        var x = FhirPathValues.Normalize(a);
        var y = FhirPathValues.Normalize(b);
        return Collections.Of(Compute(op, x, y));
    }

    private static object? Compute(string op, object x, object y)
    {
        switch (x, y)
        {
            case (long i, long j):
                try
                {
                    return op switch
                    {
                        "+" => checked(i + j),
                        "-" => checked(i - j),
                        "*" => checked(i * j),
                        "/" => j == 0 ? null : (decimal)i / j,
                        "div" => j == 0 ? null : i / j,
                        "mod" => j == 0 ? null : i % j,
                        _ => throw TypeError(op, x, y),
                    };
                }
                catch (OverflowException)
                {
                    return null;
                }
            case (long or decimal, long or decimal):
            {
                var m = FhirPathValues.ToDecimal(x);
                var n = FhirPathValues.ToDecimal(y);
                return op switch
                {
                    "+" => m + n,
                    "-" => m - n,
                    "*" => m * n,
                    "/" => n == 0 ? null : m / n,
                    "div" => n == 0 ? null : decimal.Truncate(m / n),
                    "mod" => n == 0 ? null : m % n,
                    _ => throw TypeError(op, x, y),
                };
            }
            case (string s, string t) when op == "+":
                return s + t;
            case (FhirPathTemporal d, FhirPathQuantity q) when op is "+" or "-":
                return d.Add(op == "+" ? q.Value : -q.Value, q.Unit);
            case (FhirPathQuantity p, FhirPathQuantity q):
                return op switch
                {
                    "+" => p.Add(q, 1),
                    "-" => p.Add(q, -1),
                    "*" => p.Multiply(q),
                    "/" => p.Divide(q),
                    _ => throw TypeError(op, x, y),
                };
            case (FhirPathQuantity p, long or decimal) when op is "*" or "/":
            {
                var n = FhirPathValues.ToDecimal(y);
                if (op == "/" && n == 0) return null;
                return new FhirPathQuantity(op == "*" ? p.Value * n : p.Value / n, p.Unit);
            }
            case (long or decimal, FhirPathQuantity q) when op == "*":
                return new FhirPathQuantity(FhirPathValues.ToDecimal(x) * q.Value, q.Unit);
        }
        throw TypeError(op, x, y);
    }

    private static FhirPathEvaluationException TypeError(string op, object x, object y) =>
        new($"Operator '{op}' cannot be applied to {FhirPathValues.TypeNameOf(x)} and {FhirPathValues.TypeNameOf(y)}.");

    public static IReadOnlyList<object> Negate(IReadOnlyList<object> items)
    {
        var a = Collections.SingleOrNone(items, "unary '-'");
        if (a is null) return Collections.Empty;
        return FhirPathValues.Normalize(a) switch
        {
            long l => Collections.Single(-l),
            decimal d => Collections.Single(-d),
            FhirPathQuantity q => Collections.Single(new FhirPathQuantity(-q.Value, q.Unit)),
            var v => throw new FhirPathEvaluationException($"Unary '-' cannot be applied to {FhirPathValues.TypeNameOf(v)}."),
        };
    }
}
