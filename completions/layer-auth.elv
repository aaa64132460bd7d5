
use builtin;
use str;

set edit:completion:arg-completer[layer-auth] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'layer-auth'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'layer-auth'= {
            cand --color 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand keygen 'Generate an RSA key pair for signing identity tokens'
            cand sign 'Sign a Layer identity token'
            cand flow 'Run the Layer authentication sequence end to end and show each step'
            cand validate 'Validate identity tokens, naming every check with the service''s eit_* reason'
            cand inspect 'Decode a token without verifying anything (any compact JWS/JWT, not only Layer''s)'
            cand keys 'Work with key files: public half, format conversion, pair check, thumbprint'
            cand serve 'Run a Layer-compatible service over HTTP that apps, SDKs and tests can sign in to'
            cand doctor 'Check this build against RFC 7515''s RS256 example, then print snippets that verify a token it signs with other stacks'' libraries'
            cand completions 'Print shell completions for layer-auth on stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'layer-auth;keygen'= {
            cand --bits 'Key size in bits'
            cand --out 'Where to write the private key'
            cand --format 'How to give the public key'
            cand --key-id 'The Layer Key ID the public key is registered under (layer:///keys/<uuid>), as the JWK''s kid, so a JWKS made from it matches tokens by kid. Default: the thumbprint'
            cand --public-out 'Write the public key to this file instead of stdout'
            cand --passphrase-file 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase'
            cand --color 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it'
            cand --force 'Replace --out (and --public-out) if it exists (the old key is gone for good)'
            cand --print-env 'Print shell lines that export LAYER_PRIVATE_KEY_PATH (and LAYER_KEY_ID with --key-id) on stdout, for `eval`; the public key then goes only to --public-out'
            cand --github 'With --print-env: append the variables to the file $GITHUB_ENV names, and print ::add-mask:: lines for the key on stdout, for the runner to hide it in later logs (only in a GitHub Actions step, and never to a terminal or a file)'
            cand --encrypt 'Encrypt the private key (PKCS#8, PBKDF2-HMAC-SHA256 and AES-256-CBC) under the passphrase in LAYER_PRIVATE_KEY_PASSPHRASE or --passphrase-file'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'layer-auth;sign'= {
            cand --nonce 'The nonce the Layer service issued (POST /nonces), copied verbatim (a value starting with - is still the nonce)'
            cand --user 'Your app''s id for the user (the token''s prn)'
            cand --batch 'Sign one token per JSON line of FILE (or - for stdin)'
            cand --ttl 'Token lifetime: 90s, 10m, 2h, 1d or seconds'
            cand --typ 'Header typ: JWS (as Layer''s docs wrote it) or JWT (what the service used from 2015)'
            cand --display-name 'display_name claim (at most 128 characters)'
            cand --avatar-url 'avatar_url claim (at most 1024 characters)'
            cand --first-name 'first_name claim (at most 128 characters)'
            cand --last-name 'last_name claim (at most 128 characters)'
            cand --claim 'Extra claim NAME=JSON (repeatable); text that is not JSON is taken as a string, and JSON with a member twice, or with a number that would not be signed as the same number (past 64-bit integers or a double''s range, or more digits than a double keeps), is refused. Numbers are signed in serde_json''s form: 1e3 as 1000.0, -0 as -0.0, 1.5e300 as 1.5e+300. Naming a standard claim (iat, exp, …) replaces it: handy for crafting test tokens'
            cand --key 'Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\n`-escaped PEM, or base64 of the PEM or DER)'
            cand --passphrase-file 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase'
            cand --provider-id 'Provider ID (layer:///providers/<uuid>), from the Layer dashboard'
            cand --key-id 'Key ID the public key is registered under (layer:///keys/<uuid>)'
            cand --now 'Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)'
            cand --color 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it'
            cand --allow-weak-key 'Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'layer-auth;flow'= {
            cand --user 'The user to authenticate (your app''s user id, the token''s prn)'
            cand --backend 'Your backend''s token endpoint: POST {"user_id", "nonce"} → {"identity_token"}'
            cand --header 'An extra request header for the backend, ''NAME: VALUE'' (repeatable), e.g. the app''s own login. Values are never shown: an answer that echoes one, or a word of one, of 8 bytes or more (in any case, as sent, JSON-escaped, percent-encoded, or a Basic credential decoded) is shown with it blanked, as are the URL''s userinfo and query values'
            cand --user-field 'The field the backend reads the user id from (the 2014 samples read userID)'
            cand --nonce-field 'The field the backend reads the nonce from'
            cand --layer-url 'A Layer-compatible service to run against instead of the embedded one, such as `layer-auth serve` (whose sample backend, keys and ids are then used by default)'
            cand --app-id 'The app id to present to --layer-url (default: what the service says it is)'
            cand --public-key 'Public key(s) the backend''s tokens must verify under (PEM, JWK or JWKS); default with --backend: the public half of --key'
            cand --timeout 'Give up on the backend after this long: 10s, 1m, 500ms, …'
            cand --ttl 'Lifetime of the tokens the embedded signer makes'
            cand --leeway 'Clock skew forgiven when checking tokens'
            cand --key 'Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\n`-escaped PEM, or base64 of the PEM or DER)'
            cand --passphrase-file 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase'
            cand --provider-id 'Provider ID (layer:///providers/<uuid>), from the Layer dashboard'
            cand --key-id 'Key ID the public key is registered under (layer:///keys/<uuid>)'
            cand --now 'Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)'
            cand --color 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it'
            cand --form 'Post user_id and nonce as form fields instead of JSON (with --backend)'
            cand --challenge 'Also run the expiry challenge: the session expires, the service answers 401 with a nonce, and the client re-authenticates over exactly that nonce'
            cand --strict 'Fail for any warning or check not made, not only for a failed step'
            cand --json 'Print one JSON report of the steps on stdout'
            cand -q 'Print only the verdict line (and errors), not each step'
            cand --quiet 'Print only the verdict line (and errors), not each step'
            cand --allow-weak-key 'Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'layer-auth;validate'= {
            cand --public-key 'Public key to verify with (repeatable): SPKI or PKCS#1 PEM, a private key''s PEM, JWK or JWKS; several form a key set chosen by kid. Default: the public half of --key (LAYER_PRIVATE_KEY_PATH) or LAYER_PRIVATE_KEY when one is set'
            cand --key 'Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\n`-escaped PEM, or base64 of the PEM or DER)'
            cand --passphrase-file 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase'
            cand --provider-id 'Provider ID (layer:///providers/<uuid>), from the Layer dashboard'
            cand --key-id 'Key ID the public key is registered under (layer:///keys/<uuid>)'
            cand --user 'The user the token must be for (its prn)'
            cand --nonce 'The nonce the token must carry (its nce)'
            cand --leeway 'Clock skew forgiven on iat and exp: 30s, 2m, … (default: none)'
            cand --now 'Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)'
            cand --format 'Also print CI annotations on stderr: github (one ::error/::warning line per failed or warned check, one ::notice naming the checks not made)'
            cand --junit 'Also write a JUnit XML report to FILE (one testcase per token, a failure per failed check, warnings and checks not made in its system-out)'
            cand --color 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it'
            cand --utc 'Show dates in UTC only; by default, when TZ is set, they are also shown in that zone'
            cand --json 'Print one JSON report per token on stdout (docs/report.md) instead of text'
            cand -q 'Print only the verdict line of each token (and errors), not its header, claims and checks'
            cand --quiet 'Print only the verdict line of each token (and errors), not its header, claims and checks'
            cand --jsonl 'Read stdin as JSON lines {"token": …, "nonce": …, "user": …}: each token judged against its own nonce and user; one a line leaves out is --nonce''s or --user''s, and the Provider and Key IDs are those given for the run'
            cand --strict 'Fail a token for any warning or check not made, not only for a failed check'
            cand --skip-signature 'Count a token valid without verifying its signature (contents only)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'layer-auth;inspect'= {
            cand --now 'Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)'
            cand --color 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it'
            cand --json 'Print the decoded parts as JSON on stdout instead of text on stderr'
            cand --utc 'Show dates in UTC only; by default, when TZ is set, they are also shown in that zone'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'layer-auth;keys'= {
            cand --color 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand public 'Print the public half of a key (or a public key in another form) on stdout'
            cand convert 'Convert a key to another format'
            cand check 'Check that a private key and a public key (or a JWKS) form a pair'
            cand thumbprint 'Print the RFC 7638 SHA-256 thumbprint of a key (one line per key of a JWKS)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'layer-auth;keys;public'= {
            cand --format 'The form to print'
            cand --key-id 'The kid of a jwk or jwks (the Layer Key ID, layer:///keys/<uuid>). Default: the key''s own kid (from a JWK), else its RFC 7638 thumbprint'
            cand --passphrase-file 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase'
            cand --color 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'layer-auth;keys;convert'= {
            cand --to 'The format to write'
            cand --out 'Where to write (a private key must name a file, or - for a pipe)'
            cand --key-id 'The kid of a jwk (the Layer Key ID). Default: the key''s own kid, else its thumbprint'
            cand --passphrase-file 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase'
            cand --color 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it'
            cand --force 'Replace --out if it exists'
            cand --encrypt 'Encrypt the private key (pkcs8 or der) under the passphrase in LAYER_PRIVATE_KEY_PASSPHRASE or --passphrase-file (the one that opens KEY, if it is encrypted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'layer-auth;keys;check'= {
            cand --key-id 'The Key ID the pair is registered under: PUBLIC must carry the key with this kid'
            cand --passphrase-file 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase'
            cand --color 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'layer-auth;keys;thumbprint'= {
            cand --passphrase-file 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase'
            cand --color 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'layer-auth;keys;help'= {
            cand public 'Print the public half of a key (or a public key in another form) on stdout'
            cand convert 'Convert a key to another format'
            cand check 'Check that a private key and a public key (or a JWKS) form a pair'
            cand thumbprint 'Print the RFC 7638 SHA-256 thumbprint of a key (one line per key of a JWKS)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'layer-auth;keys;help;public'= {
        }
        &'layer-auth;keys;help;convert'= {
        }
        &'layer-auth;keys;help;check'= {
        }
        &'layer-auth;keys;help;thumbprint'= {
        }
        &'layer-auth;keys;help;help'= {
        }
        &'layer-auth;serve'= {
            cand --listen 'Where to listen (port 0 picks a free one)'
            cand --public-key 'Register a public key (repeatable): PEM, JWK or JWKS. A PEM is registered under --key-id (or a made-up id)'
            cand --key 'Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\n`-escaped PEM, or base64 of the PEM or DER)'
            cand --passphrase-file 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase'
            cand --provider-id 'Provider ID (layer:///providers/<uuid>), from the Layer dashboard'
            cand --key-id 'Key ID the public key is registered under (layer:///keys/<uuid>)'
            cand --app-id 'The app id clients must present (default: made up, printed)'
            cand --session-ttl 'How long a session lasts before the 401 challenge'
            cand --state 'Load nonces, sessions and attempts from FILE at start; write them back at exit (its directory must be writable: checked before serving)'
            cand --seed 'Make nonces, session tokens and made-up ids reproducible (tests only)'
            cand --log-format 'How request lines are written on stderr'
            cand --control-token 'The bearer token /_emulator/ needs when not on loopback (default: random, printed)'
            cand --max-connections 'Most connections open at once'
            cand --now 'Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)'
            cand --color 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it'
            cand --allow-weak-key 'Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024)'
            cand --no-dashboard 'Serve no /dashboard page (the API answers exactly the same)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'layer-auth;doctor'= {
            cand --key 'Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\n`-escaped PEM, or base64 of the PEM or DER)'
            cand --passphrase-file 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase'
            cand --provider-id 'Provider ID (layer:///providers/<uuid>), from the Layer dashboard'
            cand --key-id 'Key ID the public key is registered under (layer:///keys/<uuid>)'
            cand --now 'Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)'
            cand --snippet 'Print only this snippet (default: all of them)'
            cand --color 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it'
            cand --allow-weak-key 'Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'layer-auth;completions'= {
            cand --color 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'layer-auth;help'= {
            cand keygen 'Generate an RSA key pair for signing identity tokens'
            cand sign 'Sign a Layer identity token'
            cand flow 'Run the Layer authentication sequence end to end and show each step'
            cand validate 'Validate identity tokens, naming every check with the service''s eit_* reason'
            cand inspect 'Decode a token without verifying anything (any compact JWS/JWT, not only Layer''s)'
            cand keys 'Work with key files: public half, format conversion, pair check, thumbprint'
            cand serve 'Run a Layer-compatible service over HTTP that apps, SDKs and tests can sign in to'
            cand doctor 'Check this build against RFC 7515''s RS256 example, then print snippets that verify a token it signs with other stacks'' libraries'
            cand completions 'Print shell completions for layer-auth on stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'layer-auth;help;keygen'= {
        }
        &'layer-auth;help;sign'= {
        }
        &'layer-auth;help;flow'= {
        }
        &'layer-auth;help;validate'= {
        }
        &'layer-auth;help;inspect'= {
        }
        &'layer-auth;help;keys'= {
            cand public 'Print the public half of a key (or a public key in another form) on stdout'
            cand convert 'Convert a key to another format'
            cand check 'Check that a private key and a public key (or a JWKS) form a pair'
            cand thumbprint 'Print the RFC 7638 SHA-256 thumbprint of a key (one line per key of a JWKS)'
        }
        &'layer-auth;help;keys;public'= {
        }
        &'layer-auth;help;keys;convert'= {
        }
        &'layer-auth;help;keys;check'= {
        }
        &'layer-auth;help;keys;thumbprint'= {
        }
        &'layer-auth;help;serve'= {
        }
        &'layer-auth;help;doctor'= {
        }
        &'layer-auth;help;completions'= {
        }
        &'layer-auth;help;help'= {
        }
    ]
    $completions[$command]
}
