# gracemail at delivery time, for Dovecot Pigeonhole with sieve_extprograms.
#
# `filter` runs gracemail once per message; it adds X-Gracemail-Label (offer, hard_no, not_now,
# other), X-Gracemail-Kind and X-Gracemail-Confidence, and on any error returns the message
# unchanged, so delivery always goes on. The keywords below are the ones `gracemail poll` sets
# (GRACEMAIL_IMAP_KEYWORD_*); change both together. "gracemail" is the name of the program in
# sieve_filter_bin_dir (a two-line wrapper that runs `gracemail filter`, see the README).
require ["vnd.dovecot.filter", "imap4flags"];

filter "gracemail";

if header :is "X-Gracemail-Label" "offer" {
  addflag "gracemail-offer";
} elsif header :is "X-Gracemail-Label" "hard_no" {
  addflag "gracemail-hard-no";
} elsif header :is "X-Gracemail-Label" "not_now" {
  addflag "gracemail-not-now";
}

# To file into folders instead, as `GRACEMAIL_IMAP_LABEL_MODE=move` does, put "fileinto" and
# "mailbox" in the require line and use, in place of each addflag:
#   fileinto :create "Jobs/Offer";      (offer)
#   fileinto :create "Jobs/Rejected";   (hard_no)
#   fileinto :create "Jobs/Not now";    (not_now)
