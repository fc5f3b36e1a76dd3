source "$(dirname "$0")/lib.sh"; setup_pki; case_begin x; run_tlsc --version; finish
