using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Shifo.Server.Tests.Bulk;

/// <summary>
/// Shifo.Server as a separate process (`dotnet Shifo.Server.dll`, the build beside the tests), configured through
/// SHIFO_ environment variables, so that a test can kill it with SIGKILL and start it again on the same data.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    public string BaseUrl { get; }
    public HttpClient Client { get; }

    private ServerProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> settings, string workingDirectory)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Shifo.Server.dll")])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["SHIFO_Urls"] = $"http://127.0.0.1:{port}";
        info.Environment["SHIFO_Logging__LogLevel__Default"] = "Warning";
        info.Environment["SHIFO_Security__Enabled"] = "false";
        info.Environment["SHIFO_Security__RateLimit__Enabled"] = "false";
        foreach (var (key, value) in settings) info.Environment["SHIFO_" + key.Replace(":", "__")] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        // drain the pipes so that the server never blocks on a full one
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new ServerProcess(process, $"http://127.0.0.1:{port}");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The server exited at start-up with code {process.ExitCode}.");
            try
            {
                if ((await server.Client.GetAsync("healthz")).IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        await server.DisposeAsync();
        throw new TimeoutException("The server did not answer /healthz within 60 s.");
    }

    /// <summary>kill -9: the process gets no chance to finish anything.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            // Process.Kill sends SIGKILL on Unix
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await KillAsync();
        _process.Dispose();
    }
}
