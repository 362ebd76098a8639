using System.Text;
using System.Text.RegularExpressions;

namespace Lockbox.Repository.Engine;

/// <summary>
/// restore --include patterns on media paths relative to the media folder: '*' matches within one folder level, '**'
/// across levels ("a/**" is everything under a), '?' one character, anything else itself. A pattern without '/' also
/// matches a file name in any folder, as a folder name it matches everything under it. No I/O.
/// </summary>
internal sealed class MediaGlob
{
    private readonly Regex[] _patterns;

    public MediaGlob(IEnumerable<string> patterns) => _patterns = patterns.Select(Compile).ToArray();

    public bool IsEmpty => _patterns.Length == 0;

    public bool Matches(string path) => _patterns.Length == 0 || _patterns.Any(p => p.IsMatch(path));

    private static Regex Compile(string pattern)
    {
        string p = pattern.Replace('\\', '/').Trim('/');
        var sb = new StringBuilder(p.Contains('/') ? "^" : "^(?:.*/)?");
        for (int i = 0; i < p.Length; i++)
        {
            char c = p[i];
            if (c == '*' && i + 1 < p.Length && p[i + 1] == '*')
            {
                bool slash = i + 2 < p.Length && p[i + 2] == '/';
                sb.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else sb.Append(Regex.Escape(c.ToString()));
        }
        sb.Append("(?:/.*)?$");
        return new Regex(sb.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
    }
}
