using System.Globalization;

namespace Shifo.Fhir.FhirPath.Functions;

/// <summary>lowBoundary, highBoundary, precision and comparable: what a value of limited precision may stand for.</summary>
internal static class BoundaryFunctions
{
    public static void Register(Registrar add)
    {
        add("lowBoundary", 0, 1, static (s, focus, args, input) => Boundary(s, focus, args, input, high: false));
        add("highBoundary", 0, 1, static (s, focus, args, input) => Boundary(s, focus, args, input, high: true));
        add("precision", 0, 0, static (_, focus, _, _) =>
        {
            var item = Collections.SingleOrNone(focus, "precision()");
            if (item is null) return Collections.Empty;
            return FhirPathValues.Normalize(item) switch
            {
                decimal d => Collections.Single((long)FhirPathValues.Scale(d)),
                long => Collections.Single(0L),
                FhirPathTemporal t => Collections.Single((long)t.PrecisionDigits),
                var v => throw new FhirPathEvaluationException($"precision() does not apply to {FhirPathValues.TypeNameOf(v)}."),
            };
        });
        add("comparable", 1, 1, static (s, focus, args, input) =>
        {
            var item = Collections.SingleOrNone(focus, "comparable()");
            var other = Args.Single(s, args, 0, input, "comparable");
            if (item is null || other is null) return Collections.Empty;
            if (FhirPathValues.Normalize(item) is not FhirPathQuantity a || other is not FhirPathQuantity b)
                throw new FhirPathEvaluationException("comparable() applies to quantities.");
            return Collections.Bool(FhirPathQuantity.IsComparable(a, b));
        });
    }

    private static IReadOnlyList<object> Boundary(Scope s, IReadOnlyList<object> focus, Eval[] args, IReadOnlyList<object> input, bool high)
    {
        var name = high ? "highBoundary" : "lowBoundary";
        var item = Collections.SingleOrNone(focus, name + "()");
        if (item is null) return Collections.Empty;
        var digits = args.Length == 0 ? null : Args.Integer(s, args, 0, input, name);
        return FhirPathValues.Normalize(item) switch
        {
            long l => Collections.Of(DecimalBoundary(l, high, digits)),
            decimal d => Collections.Of(DecimalBoundary(d, high, digits)),
            FhirPathQuantity q => DecimalBoundary(q.Value, high, digits) is decimal v ? Collections.Single(new FhirPathQuantity(v, q.Unit)) : Collections.Empty,
            FhirPathTemporal t => Collections.Of(t.Boundary(high, digits is null ? null : (int)digits)),
            var v => throw new FhirPathEvaluationException($"{name}() does not apply to {FhirPathValues.TypeNameOf(v)}."),
        };
    }

    /// <summary>The value ± half a unit of its last digit, given to <paramref name="digits"/> decimal places (default 8).</summary>
    private static object? DecimalBoundary(decimal value, bool high, long? digits)
    {
        var p = digits ?? 8;
        if (p is < 0 or > 28) return null;
        var scale = FhirPathValues.Scale(value);
        var half = 0.5m / Pow10(scale);
        var bound = high ? value + half : value - half;
        if (p <= scale)
        {
            var f = Pow10((int)p);
            bound = (high ? Math.Ceiling(bound * f) : Math.Floor(bound * f)) / f;
        }
        return decimal.Parse(bound.ToString("F" + p, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static decimal Pow10(int n)
    {
        var r = 1m;
        for (var i = 0; i < n; i++) r *= 10m;
        return r;
    }
}
