_layer__auth_files() {
    local file
    COMPREPLY=()
    while IFS= read -r file; do
        COMPREPLY+=("$file")
    done < <(compgen -f -- "$1")
    compopt -o filenames 2>/dev/null
    return 0
}

_layer__auth() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="layer__auth"
                ;;
            layer__auth,completions)
                cmd="layer__auth__subcmd__completions"
                ;;
            layer__auth,doctor)
                cmd="layer__auth__subcmd__doctor"
                ;;
            layer__auth,flow)
                cmd="layer__auth__subcmd__flow"
                ;;
            layer__auth,help)
                cmd="layer__auth__subcmd__help"
                ;;
            layer__auth,inspect)
                cmd="layer__auth__subcmd__inspect"
                ;;
            layer__auth,keygen)
                cmd="layer__auth__subcmd__keygen"
                ;;
            layer__auth,keys)
                cmd="layer__auth__subcmd__keys"
                ;;
            layer__auth,serve)
                cmd="layer__auth__subcmd__serve"
                ;;
            layer__auth,sign)
                cmd="layer__auth__subcmd__sign"
                ;;
            layer__auth,validate)
                cmd="layer__auth__subcmd__validate"
                ;;
            layer__auth__subcmd__help,completions)
                cmd="layer__auth__subcmd__help__subcmd__completions"
                ;;
            layer__auth__subcmd__help,doctor)
                cmd="layer__auth__subcmd__help__subcmd__doctor"
                ;;
            layer__auth__subcmd__help,flow)
                cmd="layer__auth__subcmd__help__subcmd__flow"
                ;;
            layer__auth__subcmd__help,help)
                cmd="layer__auth__subcmd__help__subcmd__help"
                ;;
            layer__auth__subcmd__help,inspect)
                cmd="layer__auth__subcmd__help__subcmd__inspect"
                ;;
            layer__auth__subcmd__help,keygen)
                cmd="layer__auth__subcmd__help__subcmd__keygen"
                ;;
            layer__auth__subcmd__help,keys)
                cmd="layer__auth__subcmd__help__subcmd__keys"
                ;;
            layer__auth__subcmd__help,serve)
                cmd="layer__auth__subcmd__help__subcmd__serve"
                ;;
            layer__auth__subcmd__help,sign)
                cmd="layer__auth__subcmd__help__subcmd__sign"
                ;;
            layer__auth__subcmd__help,validate)
                cmd="layer__auth__subcmd__help__subcmd__validate"
                ;;
            layer__auth__subcmd__help__subcmd__keys,check)
                cmd="layer__auth__subcmd__help__subcmd__keys__subcmd__check"
                ;;
            layer__auth__subcmd__help__subcmd__keys,convert)
                cmd="layer__auth__subcmd__help__subcmd__keys__subcmd__convert"
                ;;
            layer__auth__subcmd__help__subcmd__keys,public)
                cmd="layer__auth__subcmd__help__subcmd__keys__subcmd__public"
                ;;
            layer__auth__subcmd__help__subcmd__keys,thumbprint)
                cmd="layer__auth__subcmd__help__subcmd__keys__subcmd__thumbprint"
                ;;
            layer__auth__subcmd__keys,check)
                cmd="layer__auth__subcmd__keys__subcmd__check"
                ;;
            layer__auth__subcmd__keys,convert)
                cmd="layer__auth__subcmd__keys__subcmd__convert"
                ;;
            layer__auth__subcmd__keys,help)
                cmd="layer__auth__subcmd__keys__subcmd__help"
                ;;
            layer__auth__subcmd__keys,public)
                cmd="layer__auth__subcmd__keys__subcmd__public"
                ;;
            layer__auth__subcmd__keys,thumbprint)
                cmd="layer__auth__subcmd__keys__subcmd__thumbprint"
                ;;
            layer__auth__subcmd__keys__subcmd__help,check)
                cmd="layer__auth__subcmd__keys__subcmd__help__subcmd__check"
                ;;
            layer__auth__subcmd__keys__subcmd__help,convert)
                cmd="layer__auth__subcmd__keys__subcmd__help__subcmd__convert"
                ;;
            layer__auth__subcmd__keys__subcmd__help,help)
                cmd="layer__auth__subcmd__keys__subcmd__help__subcmd__help"
                ;;
            layer__auth__subcmd__keys__subcmd__help,public)
                cmd="layer__auth__subcmd__keys__subcmd__help__subcmd__public"
                ;;
            layer__auth__subcmd__keys__subcmd__help,thumbprint)
                cmd="layer__auth__subcmd__keys__subcmd__help__subcmd__thumbprint"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        layer__auth)
            opts="-h -V --color --help --version keygen sign flow validate inspect keys serve doctor completions help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__completions)
            opts="-h -V --color --help --version bash zsh fish elvish powershell nushell"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__doctor)
            opts="-h -V --key --passphrase-file --allow-weak-key --provider-id --key-id --now --snippet --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --key)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --passphrase-file)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --provider-id)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --key-id)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --now)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --snippet)
                    COMPREPLY=($(compgen -W "openssl pyjwt jsonwebtoken jsrsasign" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__flow)
            opts="-q -h -V --user --backend --form --header --user-field --nonce-field --layer-url --app-id --public-key --challenge --strict --json --quiet --timeout --ttl --leeway --key --passphrase-file --allow-weak-key --provider-id --key-id --now --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --user)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --backend)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --header)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --user-field)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --nonce-field)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --layer-url)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --app-id)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --public-key)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --timeout)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --ttl)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --leeway)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --key)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --passphrase-file)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --provider-id)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --key-id)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --now)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__help)
            opts="keygen sign flow validate inspect keys serve doctor completions help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__help__subcmd__completions)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__help__subcmd__doctor)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__help__subcmd__flow)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__help__subcmd__inspect)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__help__subcmd__keygen)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__help__subcmd__keys)
            opts="public convert check thumbprint"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__help__subcmd__keys__subcmd__check)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__help__subcmd__keys__subcmd__convert)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__help__subcmd__keys__subcmd__public)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__help__subcmd__keys__subcmd__thumbprint)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__help__subcmd__serve)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__help__subcmd__sign)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__help__subcmd__validate)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__inspect)
            opts="-h -V --json --utc --now --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --now)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__keygen)
            opts="-h -V --bits --out --force --format --key-id --public-out --print-env --github --encrypt --passphrase-file --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --bits)
                    COMPREPLY=($(compgen -W "2048 3072 4096" -- "${cur}"))
                    return 0
                    ;;
                --out)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "pem jwk jwks" -- "${cur}"))
                    return 0
                    ;;
                --key-id)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --public-out)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --passphrase-file)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__keys)
            opts="-h -V --color --help --version public convert check thumbprint help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__keys__subcmd__check)
            opts="-h -V --key-id --passphrase-file --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --key-id)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --passphrase-file)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__keys__subcmd__convert)
            opts="-h -V --to --out --force --encrypt --key-id --passphrase-file --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --to)
                    COMPREPLY=($(compgen -W "pkcs1 pkcs8 der jwk" -- "${cur}"))
                    return 0
                    ;;
                --out)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --key-id)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --passphrase-file)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__keys__subcmd__help)
            opts="public convert check thumbprint help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__keys__subcmd__help__subcmd__check)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__keys__subcmd__help__subcmd__convert)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__keys__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__keys__subcmd__help__subcmd__public)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__keys__subcmd__help__subcmd__thumbprint)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__keys__subcmd__public)
            opts="-h -V --format --key-id --passphrase-file --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --format)
                    COMPREPLY=($(compgen -W "pem pkcs1 jwk jwks" -- "${cur}"))
                    return 0
                    ;;
                --key-id)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --passphrase-file)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__keys__subcmd__thumbprint)
            opts="-h -V --passphrase-file --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --passphrase-file)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__serve)
            opts="-h -V --listen --public-key --key --passphrase-file --allow-weak-key --provider-id --key-id --app-id --session-ttl --state --seed --log-format --control-token --max-connections --no-dashboard --now --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --listen)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --public-key)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --key)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --passphrase-file)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --provider-id)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --key-id)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --app-id)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --session-ttl)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --state)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --seed)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --log-format)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --control-token)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --max-connections)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --now)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__sign)
            opts="-h -V --nonce --user --batch --ttl --typ --display-name --avatar-url --first-name --last-name --claim --key --passphrase-file --allow-weak-key --provider-id --key-id --now --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --nonce)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --user)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --batch)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --ttl)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --typ)
                    COMPREPLY=($(compgen -W "JWS JWT" -- "${cur}"))
                    return 0
                    ;;
                --display-name)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --avatar-url)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --first-name)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --last-name)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --claim)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --key)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --passphrase-file)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --provider-id)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --key-id)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --now)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        layer__auth__subcmd__validate)
            opts="-q -h -V --public-key --key --passphrase-file --provider-id --key-id --user --nonce --leeway --now --utc --json --quiet --jsonl --strict --skip-signature --format --junit --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --public-key)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --key)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --passphrase-file)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --provider-id)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --key-id)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --user)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --nonce)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --leeway)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --now)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "github" -- "${cur}"))
                    return 0
                    ;;
                --junit)
                    _layer__auth_files "${cur}"
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _layer__auth -o nosort -o bashdefault -o default layer-auth
else
    complete -F _layer__auth -o bashdefault -o default layer-auth
fi
