namespace Shifo.Import;

/// <summary>The files an import reads, and how: *.ndjson one resource a line, *.json a Bundle (or one resource).</summary>
public static class ImportFiles
{
    public static bool IsNdjson(string path) => path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Expands folders to their *.ndjson and *.json files in ordinal name order (synth's directory-*.json sort before
    /// patient-*.json, which refer to them); files given by name keep the order given. A missing path is bad input.
    /// </summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path)) files.Add(path);
            else if (Directory.Exists(path))
            {
                var found = Directory.EnumerateFiles(path)
                    .Where(f => IsNdjson(f) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0) throw new ImportInputException($"the folder '{path}' holds no .ndjson or .json file");
                files.AddRange(found);
            }
            else throw new ImportInputException($"no such file or folder: '{path}'");
        }
        if (files.Count == 0) throw new ImportInputException("no input given");
        return files;
    }

    /// <summary>Reads lines of an NDJSON stream as UTF-8 bytes with their 1-based numbers; blank lines are skipped.</summary>
    public static IEnumerable<(long Line, byte[] Json, long Bytes)> Lines(Stream stream)
    {
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        long number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var bytes = System.Text.Encoding.UTF8.GetBytes(line);
            if (!string.IsNullOrWhiteSpace(line)) yield return (number, bytes, bytes.Length + 1);
        }
    }
}
