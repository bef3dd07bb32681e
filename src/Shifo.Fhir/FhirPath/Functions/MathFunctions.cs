namespace Shifo.Fhir.FhirPath.Functions;

/// <summary>abs, ceiling, exp, floor, ln, log, power, round, sqrt, truncate. Results that are not real numbers are empty.</summary>
internal static class MathFunctions
{
    public static void Register(Registrar add)
    {
        add("abs", 0, 0, static (_, focus, _, _) => Number(focus, "abs", v => v switch
        {
            long l => Math.Abs(l),
            decimal d => Math.Abs(d),
            FhirPathQuantity q => new FhirPathQuantity(Math.Abs(q.Value), q.Unit),
            _ => null,
        }));
        add("ceiling", 0, 0, static (_, focus, _, _) => Number(focus, "ceiling", v => (long)Math.Ceiling(FhirPathValues.ToDecimal(v))));
        add("floor", 0, 0, static (_, focus, _, _) => Number(focus, "floor", v => (long)Math.Floor(FhirPathValues.ToDecimal(v))));
        add("truncate", 0, 0, static (_, focus, _, _) => Number(focus, "truncate", v => (long)decimal.Truncate(FhirPathValues.ToDecimal(v))));
        add("exp", 0, 0, static (_, focus, _, _) => Number(focus, "exp", v => ToDecimal(Math.Exp(ToDouble(v)))));
        add("ln", 0, 0, static (_, focus, _, _) => Number(focus, "ln", v => ToDecimal(Math.Log(ToDouble(v)))));
        add("sqrt", 0, 0, static (_, focus, _, _) => Number(focus, "sqrt", v => ToDecimal(Math.Sqrt(ToDouble(v)))));
        add("log", 1, 1, static (s, focus, args, input) => Number(focus, "log", v =>
            Args.Single(s, args, 0, input, "log") is { } b and (long or decimal) ? ToDecimal(Math.Log(ToDouble(v)) / Math.Log(ToDouble(b))) : null));
        add("power", 1, 1, static (s, focus, args, input) => Number(focus, "power", v =>
        {
            var e = Args.Single(s, args, 0, input, "power");
            if (e is not (long or decimal)) return null;
            if (v is long b && e is long n && n >= 0)
            {
                try
                {
                    long r = 1;
                    for (var i = 0; i < n; i++) r = checked(r * b);
                    return r;
                }
                catch (OverflowException) { return null; }
            }
            return ToDecimal(Math.Pow(ToDouble(v), ToDouble(e)));
        }));
        add("round", 0, 1, static (s, focus, args, input) => Number(focus, "round", v =>
        {
            var digits = args.Length == 0 ? 0 : Args.Integer(s, args, 0, input, "round") ?? 0;
            if (digits < 0) throw new FhirPathEvaluationException("round() expects a non-negative precision.");
            return Math.Round(FhirPathValues.ToDecimal(v), (int)Math.Min(digits, 28), MidpointRounding.AwayFromZero);
        }));
    }

    private static double ToDouble(object v) => (double)FhirPathValues.ToDecimal(v);

    /// <summary>NaN and infinities are not FHIRPath values: they become empty.</summary>
    private static object? ToDecimal(double d)
    {
        if (double.IsNaN(d) || double.IsInfinity(d)) return null;
        try { return (decimal)d; }
        catch (OverflowException) { return null; }
    }

    private static IReadOnlyList<object> Number(IReadOnlyList<object> focus, string function, Func<object, object?> body)
    {
        var item = Collections.SingleOrNone(focus, function + "()");
        if (item is null) return Collections.Empty;
        var v = FhirPathValues.Normalize(item);
        if (v is not (long or decimal) && !(v is FhirPathQuantity && function == "abs"))
            throw new FhirPathEvaluationException($"{function}() expects a number, but got {FhirPathValues.TypeNameOf(v)}.");
        return Collections.Of(body(v));
    }
}
