namespace Shifo.Cli;

/// <summary>The process exit codes of `shifo`, shared by every command.</summary>
public static class ExitCodes
{
    /// <summary>The command succeeded; for validate: every resource is valid.</summary>
    public const int Ok = 0;
    /// <summary>validate: at least one resource has errors.</summary>
    public const int Invalid = 1;
    /// <summary>The input could not be used: missing file, not JSON, not a resource, bad expression, bad arguments.</summary>
    public const int BadInput = 2;
    /// <summary>A bug in Shifo itself (an unexpected exception), reported as one line.</summary>
    public const int InternalError = 3;
}
