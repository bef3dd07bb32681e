using Shifo.Server.Pipeline;

namespace Shifo.Server.Http;

/// <summary>The HTTP status for each kind of refused interaction.</summary>
public static class ProblemStatus
{
    public static int Of(ProblemKind kind) => kind switch
    {
        ProblemKind.Invalid => StatusCodes.Status400BadRequest,
        ProblemKind.NotFound => StatusCodes.Status404NotFound,
        ProblemKind.MethodNotAllowed => StatusCodes.Status405MethodNotAllowed,
        ProblemKind.NotAcceptable => StatusCodes.Status406NotAcceptable,
        ProblemKind.Conflict => StatusCodes.Status409Conflict,
        ProblemKind.Gone => StatusCodes.Status410Gone,
        ProblemKind.VersionMismatch => StatusCodes.Status412PreconditionFailed,
        ProblemKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ProblemKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        ProblemKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        ProblemKind.NotImplemented => StatusCodes.Status501NotImplemented,
        ProblemKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ProblemKind.Forbidden => StatusCodes.Status403Forbidden,
        ProblemKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status500InternalServerError,
    };
}
