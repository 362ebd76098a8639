namespace Lockbox.Cli.Commands;

/// <summary>
/// The shell completion scripts <c>lockbox completion SHELL</c> prints. Each asks lockbox itself what fits, through
/// System.CommandLine's <c>[suggest:POSITION] "COMMAND LINE"</c> directive (the protocol dotnet-suggest uses), so
/// commands and options complete as this build defines them, with nothing to regenerate when they change. The line
/// sent always begins with <c>lockbox</c>, whatever path the command was typed as.
/// </summary>
internal static class CompletionScripts
{
    public const string Bash = """
        # bash completion for lockbox. Load it with:  source <(lockbox completion bash)
        _lockbox() {
            local cur="${COMP_WORDS[COMP_CWORD]}" line="lockbox" word
            for word in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do line+=" $word"; done
            line+=" $cur"
            local IFS=$'\n'
            local candidates
            candidates=$("${COMP_WORDS[0]}" "[suggest:${#line}]" "$line" 2>/dev/null)
            COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
        }
        complete -o default -F _lockbox lockbox

        """;

    public const string Zsh = """
        #compdef lockbox
        # zsh completion for lockbox. Load it with:  source <(lockbox completion zsh)
        _lockbox() {
            local line="lockbox ${(j: :)words[2,CURRENT]}"
            local -a candidates
            candidates=(${(f)"$(${words[1]} "[suggest:${#line}]" "$line" 2>/dev/null)"})
            compadd -- $candidates
        }
        if (( $+functions[compdef] )); then compdef _lockbox lockbox; fi

        """;

    public const string Fish = """
        # fish completion for lockbox. Load it with:  lockbox completion fish | source
        function __lockbox_complete
            set -l previous (commandline -opc)
            set -l command $previous[1]
            set -e previous[1]
            set -l current (commandline -ct)
            set -l head (string join ' ' -- lockbox $previous)
            set -l line "$head $current"
            $command "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
        end
        complete -c lockbox -f -a '(__lockbox_complete)'

        """;
}
