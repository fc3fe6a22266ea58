// Password redaction for URLs and key=value connection strings.
#include "core/util/redact.hpp"

#include <cctype>

namespace schemaflip::util {
namespace {

bool iequals_at(std::string_view text, std::size_t pos, std::string_view word) {
    if (pos + word.size() > text.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[pos + i])) != word[i]) return false;
    }
    return true;
}

// Redacts the user:password@ part of scheme://user:password@host/... .
std::string redact_userinfo(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::string(url);
    const auto authority_begin = scheme_end + 3;
    const auto authority_end = url.find_first_of("/?#", authority_begin);
    const auto authority = url.substr(authority_begin, authority_end == std::string_view::npos
                                                           ? std::string_view::npos
                                                           : authority_end - authority_begin);
    // The last '@' ends the userinfo: a password may itself contain '@' when it is not percent-encoded.
    const auto at = authority.rfind('@');
    if (at == std::string_view::npos) return std::string(url);
    const auto colon = authority.find(':');
    if (colon == std::string_view::npos || colon > at) return std::string(url);
    std::string out(url.substr(0, authority_begin + colon + 1));
    out += k_redacted;
    out += url.substr(authority_begin + at);
    return out;
}

// Redacts password=VALUE (key=value syntax, value optionally single-quoted) and password=VALUE in a
// URL query (terminated by '&').
std::string redact_password_keys(std::string_view text) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        const bool at_word_start = i == 0 || !(std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '_');
        if (at_word_start && iequals_at(text, i, "password")) {
            std::size_t j = i + 8;
            while (j < text.size() && text[j] == ' ') ++j;
            if (j < text.size() && text[j] == '=') {
                ++j;
                while (j < text.size() && text[j] == ' ') ++j;
                out.append(text.substr(i, j - i));
                out += k_redacted;
                if (j < text.size() && text[j] == '\'') {
                    ++j;
                    while (j < text.size() && text[j] != '\'') j += (text[j] == '\\' && j + 1 < text.size()) ? 2 : 1;
                    if (j < text.size()) ++j;
                } else {
                    while (j < text.size() && text[j] != ' ' && text[j] != '&' && text[j] != '#') ++j;
                }
                i = j;
                continue;
            }
        }
        out += text[i++];
    }
    return out;
}

}  // namespace

std::string redact_url(std::string_view url) {
    return redact_password_keys(redact_userinfo(url));
}

std::string redact_secret(std::string_view text, std::string_view secret) {
    if (secret.empty()) return std::string(text);
    std::string out;
    std::size_t pos = 0;
    for (auto hit = text.find(secret); hit != std::string_view::npos; hit = text.find(secret, pos)) {
        out.append(text.substr(pos, hit - pos));
        out += k_redacted;
        pos = hit + secret.size();
    }
    out.append(text.substr(pos));
    return out;
}

}  // namespace schemaflip::util
