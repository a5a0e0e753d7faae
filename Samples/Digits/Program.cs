Console.WriteLine("digits: coming soon");
