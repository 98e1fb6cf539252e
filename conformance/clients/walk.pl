#!/usr/bin/perl
# Walks every folder of an IMAP account with Mail::IMAPClient over implicit
# TLS and prints one JSON object per folder:
#   {"folder": NAME, "count": N, "uids": [..], "first_bytes": B,
#    "first_sha256": HEX, "first_size": RFC822.SIZE, "headers": {...}}
# Usage: walk.pl HOST PORT CAFILE LOGIN [compress]   (password on stdin)
# With "compress", the whole walk runs under COMPRESS=DEFLATE (RFC 4978),
# which Mail::IMAPClient turns on right after LOGIN.
use strict;
use warnings;
use Digest::SHA qw(sha256_hex);
use IO::Socket::SSL qw(SSL_VERIFY_PEER);
use JSON::PP;
use Mail::IMAPClient;

my ($host, $port, $cafile, $login, $mode) = @ARGV;
die "usage: walk.pl HOST PORT CAFILE LOGIN [compress]\n" unless defined $login;
my $compress = defined $mode && $mode eq 'compress';
my $password = <STDIN>;
chomp $password;

my $imap = Mail::IMAPClient->new(
    Server   => $host,
    Port     => $port,
    Ssl      => [
        SSL_verify_mode     => SSL_VERIFY_PEER,
        SSL_ca_file         => $cafile,
        SSL_verifycn_scheme => 'imap',
        SSL_verifycn_name   => $host,
    ],
    User     => $login,
    Password => $password,
    Uid      => 1,
    Peek     => 1,
    Timeout  => 20,
    Compress => $compress,
) or die "connect/login failed: $@\n";
die "not authenticated\n" unless $imap->IsAuthenticated;
die "not compressing\n" if $compress && !$imap->Compress;

my $json = JSON::PP->new->canonical->utf8;
my $folders = $imap->folders or die "folders failed: " . $imap->LastError . "\n";
for my $folder (@$folders) {
    my %out = (folder => $folder);
    $imap->examine($folder) or die "examine $folder failed: " . $imap->LastError . "\n";
    $out{count} = $imap->message_count($folder);
    $out{count} += 0 if defined $out{count};
    die "message_count $folder failed: " . $imap->LastError . "\n" unless defined $out{count};
    my $uids = $imap->messages or die "messages $folder failed: " . $imap->LastError . "\n";
    $out{uids} = [map { $_ + 0 } @$uids];
    if (@$uids) {
        my $first = $uids->[0];
        my $headers = $imap->parse_headers($first, 'Subject', 'From', 'Message-ID')
            or die "parse_headers $folder failed: " . $imap->LastError . "\n";
        $out{headers} = { map { lc($_) => scalar @{ $headers->{$_} } } keys %$headers };
        my $size = $imap->size($first);
        die "size $folder failed: " . $imap->LastError . "\n" unless defined $size;
        $out{first_size} = $size + 0;
        my $message = $imap->message_string($first);
        die "message_string $folder failed: " . $imap->LastError . "\n" unless defined $message;
        $out{first_bytes} = length $message;
        $out{first_sha256} = sha256_hex($message);
    }
    print $json->encode(\%out), "\n";
}
$imap->close;
$imap->logout or die "logout failed: " . $imap->LastError . "\n";
