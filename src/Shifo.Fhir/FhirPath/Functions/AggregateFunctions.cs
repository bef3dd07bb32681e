namespace Shifo.Fhir.FhirPath.Functions;

/// <summary>aggregate(aggregator, init): folds the focus with $this and $total.</summary>
internal static class AggregateFunctions
{
    public static void Register(Registrar add)
    {
        add("aggregate", 1, 2, static (s, focus, args, input) =>
        {
            var savedTotal = s.Total;
            try
            {
                var total = args.Length > 1 ? args[1](s, input) : Collections.Empty;
                for (var i = 0; i < focus.Count; i++)
                {
                    s.Total = total;
                    total = s.WithThis(focus[i], i, args[0]);
                }
                return total;
            }
            finally
            {
                s.Total = savedTotal;
            }
        });
    }
}
