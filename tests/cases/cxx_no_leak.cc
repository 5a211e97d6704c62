// cxx_no_leak: a C++ program using iostream, containers and an exception frees
// everything; libstdc++'s emergency EH pool (72,704 bytes) is not reported.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: caught 3 words
// EXPECT line: All heap blocks were freed -- no leaks are possible
// EXPECT no-line: 72,704
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

int main()
{
    std::map<std::string, std::vector<int>> words;
    for (const char *w : {"alpha", "a rather long word that defeats SSO", "gamma"})
        words[w].push_back(1);
    try {
        throw std::runtime_error("caught");
    } catch (const std::exception &e) {
        std::cout << e.what() << ' ' << words.size() << " words" << std::endl;
    }
    return 0;
}
