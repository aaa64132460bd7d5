# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_layer_auth_global_optspecs
    string join \n color= h/help V/version
end

function __fish_layer_auth_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_layer_auth_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_layer_auth_using_subcommand
    set -l cmd (__fish_layer_auth_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c layer-auth -n "__fish_layer_auth_needs_command" -l color -d 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it' -r -f -a "auto\t''
always\t''
never\t''"
complete -c layer-auth -n "__fish_layer_auth_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c layer-auth -n "__fish_layer_auth_needs_command" -s V -l version -d 'Print version'
complete -c layer-auth -n "__fish_layer_auth_needs_command" -f -a "keygen" -d 'Generate an RSA key pair for signing identity tokens'
complete -c layer-auth -n "__fish_layer_auth_needs_command" -f -a "sign" -d 'Sign a Layer identity token'
complete -c layer-auth -n "__fish_layer_auth_needs_command" -f -a "flow" -d 'Run the Layer authentication sequence end to end and show each step'
complete -c layer-auth -n "__fish_layer_auth_needs_command" -f -a "validate" -d 'Validate identity tokens, naming every check with the service\'s eit_* reason'
complete -c layer-auth -n "__fish_layer_auth_needs_command" -f -a "inspect" -d 'Decode a token without verifying anything (any compact JWS/JWT, not only Layer\'s)'
complete -c layer-auth -n "__fish_layer_auth_needs_command" -f -a "keys" -d 'Work with key files: public half, format conversion, pair check, thumbprint'
complete -c layer-auth -n "__fish_layer_auth_needs_command" -f -a "serve" -d 'Run a Layer-compatible service over HTTP that apps, SDKs and tests can sign in to'
complete -c layer-auth -n "__fish_layer_auth_needs_command" -f -a "doctor" -d 'Check this build against RFC 7515\'s RS256 example, then print snippets that verify a token it signs with other stacks\' libraries'
complete -c layer-auth -n "__fish_layer_auth_needs_command" -f -a "completions" -d 'Print shell completions for layer-auth on stdout'
complete -c layer-auth -n "__fish_layer_auth_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keygen" -l bits -d 'Key size in bits' -r -f -a "2048\t''
3072\t''
4096\t''"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keygen" -l out -d 'Where to write the private key' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keygen" -l format -d 'How to give the public key' -r -f -a "pem\t'SPKI PEM (-----BEGIN PUBLIC KEY-----)'
jwk\t'A JSON Web Key (kid: --key-id, else the RFC 7638 thumbprint)'
jwks\t'A JWK Set holding that one JWK ({"keys": [...]})'"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keygen" -l key-id -d 'The Layer Key ID the public key is registered under (layer:///keys/<uuid>), as the JWK\'s kid, so a JWKS made from it matches tokens by kid. Default: the thumbprint' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keygen" -l public-out -d 'Write the public key to this file instead of stdout' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keygen" -l passphrase-file -d 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keygen" -l color -d 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it' -r -f -a "auto\t''
always\t''
never\t''"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keygen" -l force -d 'Replace --out (and --public-out) if it exists (the old key is gone for good)'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keygen" -l print-env -d 'Print shell lines that export LAYER_PRIVATE_KEY_PATH (and LAYER_KEY_ID with --key-id) on stdout, for `eval`; the public key then goes only to --public-out'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keygen" -l github -d 'With --print-env: append the variables to the file $GITHUB_ENV names, and print ::add-mask:: lines for the key on stdout, for the runner to hide it in later logs (only in a GitHub Actions step, and never to a terminal or a file)'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keygen" -l encrypt -d 'Encrypt the private key (PKCS#8, PBKDF2-HMAC-SHA256 and AES-256-CBC) under the passphrase in LAYER_PRIVATE_KEY_PASSPHRASE or --passphrase-file'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keygen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keygen" -s V -l version -d 'Print version'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -l nonce -d 'The nonce the Layer service issued (POST /nonces), copied verbatim (a value starting with - is still the nonce)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -l user -d 'Your app\'s id for the user (the token\'s prn)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -l batch -d 'Sign one token per JSON line of FILE (or - for stdin)' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -l ttl -d 'Token lifetime: 90s, 10m, 2h, 1d or seconds' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -l typ -d 'Header typ: JWS (as Layer\'s docs wrote it) or JWT (what the service used from 2015)' -r -f -a "JWS\t'"JWS"'
JWT\t'"JWT"'"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -l display-name -d 'display_name claim (at most 128 characters)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -l avatar-url -d 'avatar_url claim (at most 1024 characters)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -l first-name -d 'first_name claim (at most 128 characters)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -l last-name -d 'last_name claim (at most 128 characters)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -l claim -d 'Extra claim NAME=JSON (repeatable); text that is not JSON is taken as a string, and JSON with a member twice, or with a number that would not be signed as the same number (past 64-bit integers or a double\'s range, or more digits than a double keeps), is refused. Numbers are signed in serde_json\'s form: 1e3 as 1000.0, -0 as -0.0, 1.5e300 as 1.5e+300. Naming a standard claim (iat, exp, …) replaces it: handy for crafting test tokens' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -l key -d 'Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\\n`-escaped PEM, or base64 of the PEM or DER)' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -l passphrase-file -d 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -l provider-id -d 'Provider ID (layer:///providers/<uuid>), from the Layer dashboard' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -l key-id -d 'Key ID the public key is registered under (layer:///keys/<uuid>)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -l now -d 'Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -l color -d 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it' -r -f -a "auto\t''
always\t''
never\t''"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -l allow-weak-key -d 'Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024)'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand sign" -s V -l version -d 'Print version'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l user -d 'The user to authenticate (your app\'s user id, the token\'s prn)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l backend -d 'Your backend\'s token endpoint: POST {"user_id", "nonce"} → {"identity_token"}' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l header -d 'An extra request header for the backend, \'NAME: VALUE\' (repeatable), e.g. the app\'s own login. Values are never shown: an answer that echoes one, or a word of one, of 8 bytes or more (in any case, as sent, JSON-escaped, percent-encoded, or a Basic credential decoded) is shown with it blanked, as are the URL\'s userinfo and query values' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l user-field -d 'The field the backend reads the user id from (the 2014 samples read userID)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l nonce-field -d 'The field the backend reads the nonce from' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l layer-url -d 'A Layer-compatible service to run against instead of the embedded one, such as `layer-auth serve` (whose sample backend, keys and ids are then used by default)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l app-id -d 'The app id to present to --layer-url (default: what the service says it is)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l public-key -d 'Public key(s) the backend\'s tokens must verify under (PEM, JWK or JWKS); default with --backend: the public half of --key' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l timeout -d 'Give up on the backend after this long: 10s, 1m, 500ms, …' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l ttl -d 'Lifetime of the tokens the embedded signer makes' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l leeway -d 'Clock skew forgiven when checking tokens' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l key -d 'Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\\n`-escaped PEM, or base64 of the PEM or DER)' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l passphrase-file -d 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l provider-id -d 'Provider ID (layer:///providers/<uuid>), from the Layer dashboard' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l key-id -d 'Key ID the public key is registered under (layer:///keys/<uuid>)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l now -d 'Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l color -d 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it' -r -f -a "auto\t''
always\t''
never\t''"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l form -d 'Post user_id and nonce as form fields instead of JSON (with --backend)'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l challenge -d 'Also run the expiry challenge: the session expires, the service answers 401 with a nonce, and the client re-authenticates over exactly that nonce'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l strict -d 'Fail for any warning or check not made, not only for a failed step'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l json -d 'Print one JSON report of the steps on stdout'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -s q -l quiet -d 'Print only the verdict line (and errors), not each step'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -l allow-weak-key -d 'Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024)'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand flow" -s V -l version -d 'Print version'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -l public-key -d 'Public key to verify with (repeatable): SPKI or PKCS#1 PEM, a private key\'s PEM, JWK or JWKS; several form a key set chosen by kid. Default: the public half of --key (LAYER_PRIVATE_KEY_PATH) or LAYER_PRIVATE_KEY when one is set' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -l key -d 'Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\\n`-escaped PEM, or base64 of the PEM or DER)' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -l passphrase-file -d 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -l provider-id -d 'Provider ID (layer:///providers/<uuid>), from the Layer dashboard' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -l key-id -d 'Key ID the public key is registered under (layer:///keys/<uuid>)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -l user -d 'The user the token must be for (its prn)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -l nonce -d 'The nonce the token must carry (its nce)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -l leeway -d 'Clock skew forgiven on iat and exp: 30s, 2m, … (default: none)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -l now -d 'Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -l format -d 'Also print CI annotations on stderr: github (one ::error/::warning line per failed or warned check, one ::notice naming the checks not made)' -r -f -a "github\t'GitHub Actions workflow commands'"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -l junit -d 'Also write a JUnit XML report to FILE (one testcase per token, a failure per failed check, warnings and checks not made in its system-out)' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -l color -d 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it' -r -f -a "auto\t''
always\t''
never\t''"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -l utc -d 'Show dates in UTC only; by default, when TZ is set, they are also shown in that zone'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -l json -d 'Print one JSON report per token on stdout (docs/report.md) instead of text'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -s q -l quiet -d 'Print only the verdict line of each token (and errors), not its header, claims and checks'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -l jsonl -d 'Read stdin as JSON lines {"token": …, "nonce": …, "user": …}: each token judged against its own nonce and user; one a line leaves out is --nonce\'s or --user\'s, and the Provider and Key IDs are those given for the run'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -l strict -d 'Fail a token for any warning or check not made, not only for a failed check'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -l skip-signature -d 'Count a token valid without verifying its signature (contents only)'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand validate" -s V -l version -d 'Print version'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand inspect" -l now -d 'Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand inspect" -l color -d 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it' -r -f -a "auto\t''
always\t''
never\t''"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand inspect" -l json -d 'Print the decoded parts as JSON on stdout instead of text on stderr'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand inspect" -l utc -d 'Show dates in UTC only; by default, when TZ is set, they are also shown in that zone'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and not __fish_seen_subcommand_from public convert check thumbprint help" -l color -d 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it' -r -f -a "auto\t''
always\t''
never\t''"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and not __fish_seen_subcommand_from public convert check thumbprint help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and not __fish_seen_subcommand_from public convert check thumbprint help" -s V -l version -d 'Print version'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and not __fish_seen_subcommand_from public convert check thumbprint help" -f -a "public" -d 'Print the public half of a key (or a public key in another form) on stdout'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and not __fish_seen_subcommand_from public convert check thumbprint help" -f -a "convert" -d 'Convert a key to another format'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and not __fish_seen_subcommand_from public convert check thumbprint help" -f -a "check" -d 'Check that a private key and a public key (or a JWKS) form a pair'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and not __fish_seen_subcommand_from public convert check thumbprint help" -f -a "thumbprint" -d 'Print the RFC 7638 SHA-256 thumbprint of a key (one line per key of a JWKS)'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and not __fish_seen_subcommand_from public convert check thumbprint help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from public" -l format -d 'The form to print' -r -f -a "pem\t'SPKI PEM (-----BEGIN PUBLIC KEY-----), what most libraries read'
pkcs1\t'PKCS#1 PEM (-----BEGIN RSA PUBLIC KEY-----)'
jwk\t'A JSON Web Key'
jwks\t'A JWK Set ({"keys": [...]}); every key in a JWKS given'"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from public" -l key-id -d 'The kid of a jwk or jwks (the Layer Key ID, layer:///keys/<uuid>). Default: the key\'s own kid (from a JWK), else its RFC 7638 thumbprint' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from public" -l passphrase-file -d 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from public" -l color -d 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it' -r -f -a "auto\t''
always\t''
never\t''"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from public" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from public" -s V -l version -d 'Print version'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from convert" -l to -d 'The format to write' -r -f -a "pkcs1\t'PKCS#1 PEM: RSA PRIVATE KEY, or RSA PUBLIC KEY'
pkcs8\t'PKCS#8 PEM: PRIVATE KEY (ENCRYPTED PRIVATE KEY with --encrypt), or SPKI PUBLIC KEY'
der\t'DER: PKCS#8 (encrypted with --encrypt), or SPKI'
jwk\t'JSON Web Key, private or public'"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from convert" -l out -d 'Where to write (a private key must name a file, or - for a pipe)' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from convert" -l key-id -d 'The kid of a jwk (the Layer Key ID). Default: the key\'s own kid, else its thumbprint' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from convert" -l passphrase-file -d 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from convert" -l color -d 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it' -r -f -a "auto\t''
always\t''
never\t''"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from convert" -l force -d 'Replace --out if it exists'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from convert" -l encrypt -d 'Encrypt the private key (pkcs8 or der) under the passphrase in LAYER_PRIVATE_KEY_PASSPHRASE or --passphrase-file (the one that opens KEY, if it is encrypted)'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from convert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from convert" -s V -l version -d 'Print version'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from check" -l key-id -d 'The Key ID the pair is registered under: PUBLIC must carry the key with this kid' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from check" -l passphrase-file -d 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from check" -l color -d 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it' -r -f -a "auto\t''
always\t''
never\t''"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from thumbprint" -l passphrase-file -d 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from thumbprint" -l color -d 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it' -r -f -a "auto\t''
always\t''
never\t''"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from thumbprint" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from thumbprint" -s V -l version -d 'Print version'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "public" -d 'Print the public half of a key (or a public key in another form) on stdout'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "convert" -d 'Convert a key to another format'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check that a private key and a public key (or a JWKS) form a pair'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "thumbprint" -d 'Print the RFC 7638 SHA-256 thumbprint of a key (one line per key of a JWKS)'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -l listen -d 'Where to listen (port 0 picks a free one)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -l public-key -d 'Register a public key (repeatable): PEM, JWK or JWKS. A PEM is registered under --key-id (or a made-up id)' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -l key -d 'Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\\n`-escaped PEM, or base64 of the PEM or DER)' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -l passphrase-file -d 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -l provider-id -d 'Provider ID (layer:///providers/<uuid>), from the Layer dashboard' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -l key-id -d 'Key ID the public key is registered under (layer:///keys/<uuid>)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -l app-id -d 'The app id clients must present (default: made up, printed)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -l session-ttl -d 'How long a session lasts before the 401 challenge' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -l state -d 'Load nonces, sessions and attempts from FILE at start; write them back at exit (its directory must be writable: checked before serving)' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -l seed -d 'Make nonces, session tokens and made-up ids reproducible (tests only)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -l log-format -d 'How request lines are written on stderr' -r -f -a "text\t'One line per request for people'
json\t'One JSON object per request'"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -l control-token -d 'The bearer token /_emulator/ needs when not on loopback (default: random, printed)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -l max-connections -d 'Most connections open at once' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -l now -d 'Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -l color -d 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it' -r -f -a "auto\t''
always\t''
never\t''"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -l allow-weak-key -d 'Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024)'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -l no-dashboard -d 'Serve no /dashboard page (the API answers exactly the same)'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand serve" -s V -l version -d 'Print version'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand doctor" -l key -d 'Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\\n`-escaped PEM, or base64 of the PEM or DER)' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand doctor" -l passphrase-file -d 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase' -r -F
complete -c layer-auth -n "__fish_layer_auth_using_subcommand doctor" -l provider-id -d 'Provider ID (layer:///providers/<uuid>), from the Layer dashboard' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand doctor" -l key-id -d 'Key ID the public key is registered under (layer:///keys/<uuid>)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand doctor" -l now -d 'Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)' -r
complete -c layer-auth -n "__fish_layer_auth_using_subcommand doctor" -l snippet -d 'Print only this snippet (default: all of them)' -r -f -a "openssl\t'`openssl dgst -verify`: on every machine'
pyjwt\t'Python\'s PyJWT (pip install "pyjwt[crypto]")'
jsonwebtoken\t'node\'s jsonwebtoken (npm install jsonwebtoken)'
jsrsasign\t'node\'s jsrsasign, the library of Layer\'s own samples (npm install jsrsasign)'"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand doctor" -l color -d 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it' -r -f -a "auto\t''
always\t''
never\t''"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand doctor" -l allow-weak-key -d 'Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024)'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand completions" -l color -d 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it' -r -f -a "auto\t''
always\t''
never\t''"
complete -c layer-auth -n "__fish_layer_auth_using_subcommand completions" -s h -l help -d 'Print help'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand completions" -s V -l version -d 'Print version'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand help; and not __fish_seen_subcommand_from keygen sign flow validate inspect keys serve doctor completions help" -f -a "keygen" -d 'Generate an RSA key pair for signing identity tokens'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand help; and not __fish_seen_subcommand_from keygen sign flow validate inspect keys serve doctor completions help" -f -a "sign" -d 'Sign a Layer identity token'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand help; and not __fish_seen_subcommand_from keygen sign flow validate inspect keys serve doctor completions help" -f -a "flow" -d 'Run the Layer authentication sequence end to end and show each step'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand help; and not __fish_seen_subcommand_from keygen sign flow validate inspect keys serve doctor completions help" -f -a "validate" -d 'Validate identity tokens, naming every check with the service\'s eit_* reason'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand help; and not __fish_seen_subcommand_from keygen sign flow validate inspect keys serve doctor completions help" -f -a "inspect" -d 'Decode a token without verifying anything (any compact JWS/JWT, not only Layer\'s)'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand help; and not __fish_seen_subcommand_from keygen sign flow validate inspect keys serve doctor completions help" -f -a "keys" -d 'Work with key files: public half, format conversion, pair check, thumbprint'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand help; and not __fish_seen_subcommand_from keygen sign flow validate inspect keys serve doctor completions help" -f -a "serve" -d 'Run a Layer-compatible service over HTTP that apps, SDKs and tests can sign in to'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand help; and not __fish_seen_subcommand_from keygen sign flow validate inspect keys serve doctor completions help" -f -a "doctor" -d 'Check this build against RFC 7515\'s RS256 example, then print snippets that verify a token it signs with other stacks\' libraries'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand help; and not __fish_seen_subcommand_from keygen sign flow validate inspect keys serve doctor completions help" -f -a "completions" -d 'Print shell completions for layer-auth on stdout'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand help; and not __fish_seen_subcommand_from keygen sign flow validate inspect keys serve doctor completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "public" -d 'Print the public half of a key (or a public key in another form) on stdout'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "convert" -d 'Convert a key to another format'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "check" -d 'Check that a private key and a public key (or a JWKS) form a pair'
complete -c layer-auth -n "__fish_layer_auth_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "thumbprint" -d 'Print the RFC 7638 SHA-256 thumbprint of a key (one line per key of a JWKS)'
