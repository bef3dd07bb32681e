using System.Globalization;
using Shifo.ServerBench;
using Shifo.Storage;

// The server benchmarks of issue 3; bench/server/run.sh runs them end to end. Build and run in Release.
//   load   PROVIDER TARGET FROM_COPY TO_COPY [BATCH] [WORKERS] [MAX_MINUTES]
//   reads  BASE_URL STORE_NAME COPIES [SECONDS] [CONNECTIONS] [ROUNDS] [SERVER_PID] [POSTMASTER_PID]
//   search BASE_URL STORE_NAME COPIES [SAMPLES] [SECONDS_PER_QUERY]
//   explain PROVIDER TARGET COPIES QUERY_NAME_PART [SEED]   (the plans of one benchmark query on a loaded store)
//   ingest-copy CONNSTRING NDJSON_FOLDER POSTMASTER_PID         (bench/ingest/run.sh: the reference, COPY into a bare table)
//   ingest-tx BASE_URL BUNDLE_FOLDER CLIENTS SERVER_PID POSTMASTER_PID COPY_REFERENCE_FILE
//   ingest-import BASE_URL CONNSTRING IMPORT_FOLDER SERVER_PID POSTMASTER_PID COPY_REFERENCE_FILE
//   security [PATIENTS] [SECONDS] [ROUNDS] [CONNECTIONS] [REPORT_FILE]   (hosts the server in-process; bench/security/run.sh)
//   security-ledger [PATIENTS] [REQUESTS] [ROUNDS] [CONCURRENCY]   (CPU and bytes allocated per read, security off, on, and on without a part)
// PROVIDER is sqlite or postgres, TARGET the database file or the connection string.
static int Int(string[] a, int i, int fallback) => a.Length > i ? int.Parse(a[i], CultureInfo.InvariantCulture) : fallback;

switch (args.FirstOrDefault())
{
    case "load" when args.Length >= 5:
        var options = new StoreOptions { Provider = args[1] };
        if (args[1] == "sqlite") options.SqlitePath = args[2];
        else options.PostgresConnectionString = args[2];
        return await Loader.RunAsync(options, Int(args, 3, 0), Int(args, 4, 1), Int(args, 5, 500), Int(args, 6, 2), TimeSpan.FromMinutes(Int(args, 7, 90)));
    case "reads" when args.Length >= 4:
        return ReadBench.Run(args[1], args[2], Int(args, 3, 1), Int(args, 4, 10), Int(args, 5, 16), Int(args, 6, 3), Int(args, 7, 0), Int(args, 8, 0));
    case "search" when args.Length >= 4:
        return await SearchBench.RunAsync(args[1], args[2], Int(args, 3, 1), Int(args, 4, 100), TimeSpan.FromSeconds(Int(args, 5, 60)));
    case "security":
        return await SecurityBench.RunAsync(Int(args, 1, 300), Int(args, 2, 5), Int(args, 3, 3), Int(args, 4, 16), args.Length > 5 ? args[5] : null);
    case "security-ledger":
        return await SecurityLedger.RunAsync(Int(args, 1, 100), Int(args, 2, 20_000), Int(args, 3, 3), Int(args, 4, 8));
    case "store-reads" when args.Length >= 4:
        var readOptions = new StoreOptions { Provider = args[1] };
        if (args[1] == "sqlite") readOptions.SqlitePath = args[2];
        else readOptions.PostgresConnectionString = args[2];
        return await StoreReadProbe.RunAsync(readOptions, Int(args, 3, 1), Int(args, 4, 5), Int(args, 5, 16));
    case "explain" when args.Length >= 5:
        return await ExplainProbe.RunAsync(args[1], args[2], Int(args, 3, 1), args[4], Int(args, 5, 1));
    case "ingest-copy" when args.Length >= 4:
        return await IngestBench.CopyAsync(args[1], args[2], Int(args, 3, 0));
    case "ingest-tx" when args.Length >= 7:
        return await IngestBench.TransactionsAsync(args[1], args[2], Int(args, 3, 4), Int(args, 4, 0), Int(args, 5, 0), args[6]);
    case "ingest-import" when args.Length >= 7:
        return await IngestBench.ImportAsync(args[1], args[2], args[3], Int(args, 4, 0), Int(args, 5, 0), args[6]);
    case "load-profile":
        LoadProfile.Run();
        return 0;
    case "per-copy":
        Console.WriteLine(SyntheaMultiplier.PerCopy(SyntheaSource.Read().Patients));
        return 0;
    default:
        Console.Error.WriteLine("usage: Shifo.ServerBench load PROVIDER TARGET FROM_COPY TO_COPY [BATCH] [WORKERS] [MAX_MINUTES] | security [PATIENTS] [SECONDS] [ROUNDS] [CONNECTIONS] [REPORT_FILE] | per-copy");
        return 2;
}
